// Which other projects claim a replica that overlaps one of this project's (replica-overlap.ts
// decides): a query over the live Replica rows of every other project (rows of databases retired
// or no longer reported are deleted, so every row is live), and the replicas operators stored for
// agentless watching (Project.replicaUrl).
//
//   replicaClaimants(store, projectId, url): Promise<Claimant[]>
//     the other projects claiming `url`'s file directory or an S3 prefix overlapping its ([] for a URL that does not parse);
//     PATCH {"replicaUrl"} refuses a URL another project claims (server/stored-replica.ts)
//   sharedFileReplicaProblem(store, projectId, url): Promise<string | null>
//     null when `url` is not a file replica, no other project claims its directory, or this
//     project claimed it first (replica-precedence.ts; when each project first claimed the directory as it
//     resolves now: replica-claim-records.ts); otherwise the admin-facing refusal naming the projects that
//     claimed it first (or every claimant when the order cannot be told; never for an agent's answer)
import path from "node:path";
import type { Store } from "../store/db.ts";
import { parseReplicaUrl, redactReplicaUrl, type ReplicaTarget } from "../litestream/replica-url.ts";
import { realReplicaPath } from "./file-roots.ts";
import { dirsOverlap, distinctClaimants, laterClaimWords, s3ReplicasOverlap, sharedFileReplicaWords, type Claimant, type ReplicaDirs } from "./replica-overlap.ts";
import { pairPrecedence, type DatedClaim } from "./replica-precedence.ts";
import { claimTimes, fileReplicaPath } from "./replica-claim-records.ts";

function parsed(url: string): ReplicaTarget | null {
  try {
    return parseReplicaUrl(url);
  } catch {
    return null;
  }
}

/**
 * The directory of a file replica as written and with symlinks resolved (up to its deepest existing ancestor).
 * A path the file system will not resolve (permissions, any error) is compared as written: one project's
 * report must never make every other project's claims check throw.
 */
async function fileDirs(target: ReplicaTarget): Promise<ReplicaDirs | null> {
  if (target.type !== "file" || !path.isAbsolute(target.path)) return null;
  // The same normalisation as fileReplicaPath (claims are recorded by it).
  const written = path.resolve(target.path);
  return { written, real: (await realReplicaPath(written).catch(() => null)) ?? written };
}

type UrlClaim = Claimant & { url: string; projectId: string };

/** Every other project's claimed replica URL: its agent's Replica rows and its stored replicaUrl. */
async function otherClaims(store: Store, projectId: string): Promise<UrlClaim[]> {
  const rows = await store.replica.findMany({
    where: { database: { projectId: { not: projectId } } },
    select: { url: true, database: { select: { projectId: true, project: { select: { name: true } } } } },
  });
  const stored = await store.project.findMany({ where: { id: { not: projectId }, replicaUrl: { not: null } }, select: { id: true, name: true, replicaUrl: true } });
  return [
    ...rows.map((r) => ({ url: r.url, projectId: r.database.projectId, project: r.database.project.name, stored: false })),
    ...stored.map((p) => ({ url: p.replicaUrl!, projectId: p.id, project: p.name, stored: true })),
  ];
}

/** The other projects' claims (one per row) overlapping `url` ([] for a URL that does not parse). */
async function overlappingClaims(store: Store, projectId: string, url: string): Promise<UrlClaim[]> {
  const mine = parsed(url);
  if (!mine) return [];
  const others = await otherClaims(store, projectId);
  if (mine.type === "s3") {
    return others.filter((o) => {
      const t = parsed(o.url);
      return t?.type === "s3" && s3ReplicasOverlap(mine, t);
    });
  }
  const dirs = await fileDirs(mine);
  if (!dirs) return [];
  const out = [];
  for (const o of others) {
    const t = parsed(o.url);
    const theirs = t && (await fileDirs(t));
    if (theirs && dirsOverlap(dirs, theirs)) out.push(o);
  }
  return out;
}

export async function replicaClaimants(store: Store, projectId: string, url: string): Promise<Claimant[]> {
  return distinctClaimants(await overlappingClaims(store, projectId, url));
}

/**
 * This project's claim dated against each other claim: a stored claim outranks reports (no time needed). Two
 * reports of the same path count from when each project first reported that path, wherever it led (a
 * directory moved behind an unchanged path keeps its first claimant); reports of different paths leading to
 * the same directory count from when each was first seen leading to `dirs.real` (replica-claim-records.ts),
 * so a path later turned into a symlink into another project's directory ranks from then.
 */
async function datedPairs(store: Store, dirs: ReplicaDirs, mine: UrlClaim | null, others: UrlClaim[], now: Date): Promise<{ mine: DatedClaim; other: DatedClaim }[]> {
  const pathOf = (c: UrlClaim) => fileReplicaPath(c.url) ?? dirs.written;
  const reports = [...(mine && !mine.stored ? [mine] : []), ...others.filter((o) => !o.stored)];
  const times = await claimTimes(store, dirs.real, reports.map((c) => ({ projectId: c.projectId, path: pathOf(c) })), now);
  return others.map((o) => {
    const same = mine !== null && pathOf(o) === pathOf(mine);
    const firstAt = (c: UrlClaim) => (c.stored ? null : same ? times.ofPath(c.projectId, pathOf(c)) : times.ofDir(c.projectId));
    return {
      mine: { project: mine?.project ?? "", stored: mine?.stored ?? false, firstAt: mine ? firstAt(mine) : null },
      other: { project: o.project, stored: o.stored, firstAt: firstAt(o) },
    };
  });
}

/** This project's own claim on `url`: stored when it is the project's replicaUrl, else a report when its agent reports `url`; null for neither. */
async function ownClaim(store: Store, projectId: string, url: string): Promise<UrlClaim | null> {
  const project = await store.project.findUnique({ where: { id: projectId }, select: { name: true, replicaUrl: true } });
  const name = project?.name ?? projectId;
  if (project?.replicaUrl === url) return { url, projectId, project: name, stored: true };
  const reported = await store.replica.count({ where: { url, database: { projectId } } });
  return reported > 0 ? { url, projectId, project: name, stored: false } : null;
}

/** Null, or why drills and restores of project `projectId` refuse the file replica `url` (a Replica row's or a stored URL). */
export async function sharedFileReplicaProblem(store: Store, projectId: string, url: string, now = new Date()): Promise<string | null> {
  const target = parsed(url);
  if (target?.type !== "file") return null;
  const others = await overlappingClaims(store, projectId, url);
  if (!others.length) return null;
  const dirs = (await fileDirs(target))!;
  const verdict = pairPrecedence(await datedPairs(store, dirs, await ownClaim(store, projectId, url), others, now));
  if (verdict.kind === "owner") return null;
  const shown = redactReplicaUrl(url);
  return verdict.kind === "later" ? laterClaimWords(shown, verdict.earlier) : sharedFileReplicaWords(shown, verdict.claimants);
}
