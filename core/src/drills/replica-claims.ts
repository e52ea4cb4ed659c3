// Which other projects claim a replica that overlaps one of this project's (replica-overlap.ts decides), and
// which of them came first (replica-precedence.ts). File replicas are compared by their places as the claim
// records hold them (replica-claim-records.ts: each heartbeat records where its file replicas' paths led), so a
// check resolves only its own path, never every other project's: a path is data an agent token chose, and one
// that takes long to resolve must cost only its own project. Replicas operators stored for agentless watching
// (Project.replicaUrl) are resolved when checked; S3 replicas are compared by endpoint, bucket and prefix.
//
//   replicaClaimants(store, projectId, url): Promise<Claimant[]>
//     the other projects claiming `url`'s file directory or an S3 prefix overlapping its ([] for a URL that does not parse);
//     PATCH {"replicaUrl"} refuses a URL another project claims (server/stored-replica.ts)
//   sharedFileReplicaProblem(store, projectId, url, options?): Promise<string | null>
//     null when `url` is not a file replica, no other project claims its directory, or this project claimed it
//     first; otherwise the admin-facing refusal naming the projects that claimed it first (or every claimant when
//     the order cannot be told; never for an agent's answer). `options.dir`: the directory a drill or restore
//     will read (file-roots.ts resolveFileReplica), so the check judges exactly what is read; `options.now`: the clock.
import path from "node:path";
import type { Store } from "../store/db.ts";
import { parseReplicaUrl, redactReplicaUrl, type ReplicaTarget } from "../litestream/replica-url.ts";
import { dirsOverlap, distinctClaimants, laterClaimWords, s3ReplicasOverlap, sharedFileReplicaWords, type Claimant, type ReplicaDirs } from "./replica-overlap.ts";
import { pairPrecedence, type DatedClaim } from "./replica-precedence.ts";
import { claimTimes, fileReplicaPath, placeOf } from "./replica-claim-records.ts";

function parsed(url: string): ReplicaTarget | null {
  try {
    return parseReplicaUrl(url);
  } catch {
    return null;
  }
}

/**
 * The directory of a file replica as written (normalised as fileReplicaPath does) and with symlinks resolved
 * (up to its deepest existing ancestor; as written when it does not resolve).
 */
async function fileDirs(target: ReplicaTarget): Promise<ReplicaDirs | null> {
  if (target.type !== "file" || !path.isAbsolute(target.path)) return null;
  const written = path.resolve(target.path);
  return { written, real: await placeOf(written) };
}

type UrlClaim = Claimant & { url: string; projectId: string };

/** Other projects' stored replicaUrls, as claims. */
async function storedClaims(store: Store, projectId: string): Promise<UrlClaim[]> {
  const stored = await store.project.findMany({ where: { id: { not: projectId }, replicaUrl: { not: null } }, select: { id: true, name: true, replicaUrl: true } });
  return stored.map((p) => ({ url: p.replicaUrl!, projectId: p.id, project: p.name, stored: true }));
}

/**
 * Other projects' Replica rows whose file replica is `dirs`: the same path as written, or a path that led to
 * `dirs.real` when its project's agent last reported it (the claim of that path seen last).
 */
async function reportedFileClaims(store: Store, projectId: string, dirs: ReplicaDirs): Promise<UrlClaim[]> {
  const hits = await store.replicaClaim.findMany({
    where: { projectId: { not: projectId }, OR: [{ path: dirs.written }, { dir: dirs.real }] },
    select: { projectId: true, path: true },
  });
  if (hits.length === 0) return [];
  const key = (projectId: string, p: string) => `${projectId}\u0000${p}`;
  const candidates = [...new Map(hits.map((h) => [key(h.projectId, h.path), h])).values()];
  const places = await store.replicaClaim.findMany({
    where: { OR: candidates.map((c) => ({ projectId: c.projectId, path: c.path })) },
    select: { projectId: true, path: true, dir: true, seenAt: true },
  });
  const latest = new Map<string, { dir: string; seenAt: Date }>();
  for (const p of places) {
    const known = latest.get(key(p.projectId, p.path));
    if (!known || p.seenAt > known.seenAt) latest.set(key(p.projectId, p.path), p);
  }
  const overlapping = new Set(candidates.filter((c) => c.path === dirs.written || latest.get(key(c.projectId, c.path))?.dir === dirs.real).map((c) => key(c.projectId, c.path)));
  if (overlapping.size === 0) return [];
  const rows = await store.replica.findMany({
    where: { database: { projectId: { in: [...new Set(candidates.map((c) => c.projectId))] } } },
    select: { url: true, database: { select: { projectId: true, project: { select: { name: true } } } } },
  });
  return rows
    .filter((r) => {
      const p = fileReplicaPath(r.url);
      return p !== null && overlapping.has(key(r.database.projectId, p));
    })
    .map((r) => ({ url: r.url, projectId: r.database.projectId, project: r.database.project.name, stored: false }));
}

/** The other projects' claims (one per row) overlapping `url` ([] for a URL that does not parse). */
async function overlappingClaims(store: Store, projectId: string, url: string, dir: string | null = null): Promise<{ dirs: ReplicaDirs | null; claims: UrlClaim[] }> {
  const mine = parsed(url);
  if (!mine) return { dirs: null, claims: [] };
  if (mine.type === "s3") {
    const rows = await store.replica.findMany({
      where: { database: { projectId: { not: projectId } } },
      select: { url: true, database: { select: { projectId: true, project: { select: { name: true } } } } },
    });
    const others = [...rows.map((r) => ({ url: r.url, projectId: r.database.projectId, project: r.database.project.name, stored: false })), ...(await storedClaims(store, projectId))];
    const claims = others.filter((o) => {
      const t = parsed(o.url);
      return t?.type === "s3" && s3ReplicasOverlap(mine, t);
    });
    return { dirs: null, claims };
  }
  const found = await fileDirs(mine);
  if (!found) return { dirs: null, claims: [] };
  const dirs = dir === null ? found : { written: found.written, real: dir };
  const claims = await reportedFileClaims(store, projectId, dirs);
  for (const o of await storedClaims(store, projectId)) {
    const t = parsed(o.url);
    const theirs = t && (await fileDirs(t));
    if (theirs && dirsOverlap(dirs, theirs)) claims.push(o);
  }
  return { dirs, claims };
}

export async function replicaClaimants(store: Store, projectId: string, url: string): Promise<Claimant[]> {
  return distinctClaimants((await overlappingClaims(store, projectId, url)).claims);
}

/**
 * This project's claim dated against each other claim: a stored claim outranks reports (no time needed). Two
 * reports of the same path count from when each project first claimed that path or the directory, whichever
 * came first (a directory moved behind an unchanged path, or reported by two spellings, keeps its first
 * claimant); reports of different paths leading to the same directory count from when each was first seen
 * leading to `dirs.real` (replica-claim-records.ts), so a path later turned into a symlink into another
 * project's directory ranks from then.
 */
async function datedPairs(store: Store, dirs: ReplicaDirs, mine: UrlClaim | null, others: UrlClaim[], now: Date): Promise<{ mine: DatedClaim; other: DatedClaim }[]> {
  const pathOf = (c: UrlClaim) => fileReplicaPath(c.url) ?? dirs.written;
  const reports = [...(mine && !mine.stored ? [mine] : []), ...others.filter((o) => !o.stored)];
  const times = await claimTimes(store, dirs.real, reports.map((c) => ({ projectId: c.projectId, path: pathOf(c) })), now);
  const earliest = (...ts: (number | null)[]) => {
    const known = ts.filter((t): t is number => t !== null);
    return known.length ? Math.min(...known) : null;
  };
  return others.map((o) => {
    const same = mine !== null && pathOf(o) === pathOf(mine);
    const firstAt = (c: UrlClaim) => (c.stored ? null : same ? earliest(times.ofPath(c.projectId, pathOf(c)), times.ofDir(c.projectId)) : times.ofDir(c.projectId));
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
export async function sharedFileReplicaProblem(store: Store, projectId: string, url: string, options: { dir?: string; now?: Date } = {}): Promise<string | null> {
  if (parsed(url)?.type !== "file") return null;
  const { dirs, claims: others } = await overlappingClaims(store, projectId, url, options.dir ?? null);
  if (!dirs || !others.length) return null;
  const verdict = pairPrecedence(await datedPairs(store, dirs, await ownClaim(store, projectId, url), others, options.now ?? new Date()));
  if (verdict.kind === "owner") return null;
  const shown = redactReplicaUrl(url);
  return verdict.kind === "later" ? laterClaimWords(shown, verdict.earlier) : sharedFileReplicaWords(shown, verdict.claimants);
}
