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
//     project claimed it first (replica-precedence.ts); otherwise the admin-facing refusal naming the
//     projects that claimed it first (or every claimant when the order cannot be told; never for an agent's answer)
import path from "node:path";
import type { Store } from "../store/db.ts";
import { parseReplicaUrl, redactReplicaUrl, type ReplicaTarget } from "../litestream/replica-url.ts";
import { realReplicaPath } from "./file-roots.ts";
import { dirsOverlap, distinctClaimants, laterClaimWords, s3ReplicasOverlap, sharedFileReplicaWords, type Claimant, type ReplicaDirs } from "./replica-overlap.ts";
import { claimPrecedence, reportedAtFromId, type DatedClaim } from "./replica-precedence.ts";

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
  const written = path.resolve(target.path);
  return { written, real: (await realReplicaPath(written).catch(() => null)) ?? written };
}

type UrlClaim = DatedClaim & { url: string };

/** Every other project's claimed replica URL: its agent's Replica rows (first reported when the row was made) and its stored replicaUrl. */
async function otherClaims(store: Store, projectId: string): Promise<UrlClaim[]> {
  const rows = await store.replica.findMany({
    where: { database: { projectId: { not: projectId } } },
    select: { id: true, url: true, database: { select: { project: { select: { name: true } } } } },
  });
  const stored = await store.project.findMany({ where: { id: { not: projectId }, replicaUrl: { not: null } }, select: { name: true, replicaUrl: true } });
  return [
    ...rows.map((r) => ({ url: r.url, project: r.database.project.name, stored: false, firstAt: reportedAtFromId(r.id) })),
    ...stored.map((p) => ({ url: p.replicaUrl!, project: p.name, stored: true, firstAt: null })),
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

/** This project's own claim on `url`: stored when it is the project's replicaUrl, else first reported when its earliest row with `url` was made. */
async function ownClaim(store: Store, projectId: string, url: string): Promise<DatedClaim> {
  const project = await store.project.findUnique({ where: { id: projectId }, select: { name: true, replicaUrl: true } });
  const rows = await store.replica.findMany({ where: { url, database: { projectId } }, select: { id: true } });
  const times = rows.map((r) => reportedAtFromId(r.id));
  const firstAt = times.length && times.every((t) => t !== null) ? Math.min(...(times as number[])) : null;
  return { project: project?.name ?? projectId, stored: project?.replicaUrl === url, firstAt };
}

/** Null, or why drills and restores of project `projectId` refuse the file replica `url` (a Replica row's or a stored URL). */
export async function sharedFileReplicaProblem(store: Store, projectId: string, url: string): Promise<string | null> {
  if (parsed(url)?.type !== "file") return null;
  const others = await overlappingClaims(store, projectId, url);
  if (!others.length) return null;
  const verdict = claimPrecedence(await ownClaim(store, projectId, url), others);
  if (verdict.kind === "owner") return null;
  const shown = redactReplicaUrl(url);
  return verdict.kind === "later" ? laterClaimWords(shown, verdict.earlier) : sharedFileReplicaWords(shown, verdict.claimants);
}
