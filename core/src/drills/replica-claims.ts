// Which other projects claim a replica that overlaps one of this project's (replica-overlap.ts decides), and
// which of them came first (replica-precedence.ts). File replicas are compared by the claim records
// (replica-claim-records.ts: each heartbeat records where its file replicas' paths led): another project claims
// this directory when one of its claims is of the same path, or led to the same directory, whether or not its
// agent still reports it (a claim outlives its Replica rows until it is pruned). A check resolves only its own
// path, never another project's (a path is data an agent token chose), and reads one summary per project.
// Replicas operators stored for agentless watching (Project.replicaUrl) are resolved when checked; S3 replicas
// are compared by endpoint, bucket and prefix.
//
//   earlierClaimants(store, projectId, url): Promise<Claimant[]>
//     the other projects whose claim of `url`'s file directory came before this project's own (every one when this
//     project never claimed it; every stored one), or whose S3 prefix overlaps its ([] for a URL that does not
//     parse); PATCH {"replicaUrl"} refuses a URL another project claimed first (server/stored-replica.ts), and
//     accepts the project's own URL saved again
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
import { fileReplicaPath, otherPlaceTimes, ownPlaceTimes, placeOf, recordPlace, storedThere, type PlaceTimes } from "./replica-claim-records.ts";

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
/** A claim another project holds on this file replica: a stored one, or its claim records' earliest times (ms). */
type FileClaim = Claimant & { projectId: string; times: PlaceTimes | null };

/** Other projects' stored replicaUrls, as claims. */
async function storedClaims(store: Store, projectId: string): Promise<UrlClaim[]> {
  const stored = await store.project.findMany({ where: { id: { not: projectId }, replicaUrl: { not: null } }, select: { id: true, name: true, replicaUrl: true } });
  return stored.map((p) => ({ url: p.replicaUrl!, projectId: p.id, project: p.name, stored: true }));
}

/** The other projects' S3 claims overlapping `target`: their agents' Replica rows and their stored replicas. */
async function s3Claims(store: Store, projectId: string, target: ReplicaTarget): Promise<Claimant[]> {
  const rows = await store.replica.findMany({
    where: { database: { projectId: { not: projectId } } },
    select: { url: true, database: { select: { projectId: true, project: { select: { name: true } } } } },
  });
  const others = [...rows.map((r) => ({ url: r.url, projectId: r.database.projectId, project: r.database.project.name, stored: false })), ...(await storedClaims(store, projectId))];
  return others.filter((o) => {
    const t = parsed(o.url);
    return t?.type === "s3" && target.type === "s3" && s3ReplicasOverlap(target, t);
  });
}

/**
 * The other projects claiming the file replica `dirs`: by claim records, and by stored replicas resolved now. A
 * stored replica outranks reports only where it led when it was stored (its claim of that directory is recorded);
 * one that leads here through a link made since is dated like a report, from `now` on.
 */
async function fileClaims(store: Store, projectId: string, dirs: ReplicaDirs, now: Date | null): Promise<FileClaim[]> {
  const recorded = await otherPlaceTimes(store, projectId, dirs.written, dirs.real);
  const stored: FileClaim[] = [];
  for (const o of await storedClaims(store, projectId)) {
    const t = parsed(o.url);
    const theirs = t && (await fileDirs(t));
    if (!theirs || !dirsOverlap(dirs, theirs)) continue;
    const times = recorded.get(o.projectId);
    // Its stored replica is its claim: the record alone would name it twice.
    recorded.delete(o.projectId);
    if (await storedThere(store, o.projectId, theirs.written, dirs.real)) stored.push({ projectId: o.projectId, project: o.project, stored: true, times: null });
    else {
      const dirAt = times?.dirAt ?? (now ? (await recordPlace(store, o.projectId, theirs.written, dirs.real, now)).getTime() : null);
      stored.push({ projectId: o.projectId, project: o.project, stored: false, times: { dirAt, pathAt: times?.pathAt ?? null } });
    }
  }
  const names = recorded.size ? await projectNames(store, [...recorded.keys()]) : new Map<string, string>();
  return [...[...recorded].map(([id, times]) => ({ projectId: id, project: names.get(id) ?? id, stored: false, times })), ...stored];
}

async function projectNames(store: Store, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 400) {
    for (const p of await store.project.findMany({ where: { id: { in: ids.slice(i, i + 400) } }, select: { id: true, name: true } })) out.set(p.id, p.name);
  }
  return out;
}

export async function earlierClaimants(store: Store, projectId: string, url: string): Promise<Claimant[]> {
  const target = parsed(url);
  if (!target) return [];
  if (target.type === "s3") return distinctClaimants(await s3Claims(store, projectId, target));
  const dirs = await fileDirs(target);
  if (!dirs) return [];
  const others = await fileClaims(store, projectId, dirs, null);
  if (!others.length) return [];
  const mine = await ownPlaceTimes(store, projectId, dirs.written, dirs.real, null);
  const mineAt = earliest(mine.pathAt, mine.dirAt);
  const theirAt = (o: FileClaim) => (!o.times ? null : o.times.pathAt !== null && mine.pathAt !== null ? earliest(o.times.pathAt, o.times.dirAt) : o.times.dirAt);
  return distinctClaimants(others.filter((o) => o.stored || mineAt === null || (theirAt(o) ?? Infinity) <= mineAt));
}

const earliest = (...ts: (number | null)[]) => {
  const known = ts.filter((t): t is number => t !== null);
  return known.length ? Math.min(...known) : null;
};

/**
 * This project's claim dated against each other claim: a stored claim outranks reports (no time needed). Two
 * claims of the same path count from when each project first claimed that path or the directory, whichever
 * came first (a directory moved behind an unchanged path, or reported by two spellings, keeps its first
 * claimant); claims of different paths leading to the same directory count from when each was first seen
 * leading to it, so a path later turned into a symlink into another project's directory ranks from then.
 */
function datedPairs(mine: { claim: Claimant; times: PlaceTimes | null }, others: FileClaim[]): { mine: DatedClaim; other: DatedClaim }[] {
  return others.map((o) => {
    const same = o.times?.pathAt != null && mine.times?.pathAt != null;
    const firstAt = (stored: boolean, t: PlaceTimes | null) => (stored || !t ? null : same ? earliest(t.pathAt, t.dirAt) : t.dirAt);
    return {
      mine: { project: mine.claim.project, stored: mine.claim.stored, firstAt: firstAt(mine.claim.stored, mine.times) },
      other: { project: o.project, stored: o.stored, firstAt: firstAt(o.stored, o.times) },
    };
  });
}

/** This project's own claim on `url`: stored when it is the project's replicaUrl (any spelling of its path), else a report when its agent reports `url`; null for neither. */
async function ownClaim(store: Store, projectId: string, url: string): Promise<Claimant | null> {
  const project = await store.project.findUnique({ where: { id: projectId }, select: { name: true, replicaUrl: true } });
  const name = project?.name ?? projectId;
  const storedPath = project?.replicaUrl ? fileReplicaPath(project.replicaUrl) : null;
  if (project?.replicaUrl === url || (storedPath !== null && storedPath === fileReplicaPath(url))) return { project: name, stored: true };
  const reported = await store.replica.count({ where: { url, database: { projectId } } });
  return reported > 0 ? { project: name, stored: false } : null;
}

/** Null, or why drills and restores of project `projectId` refuse the file replica `url` (a Replica row's or a stored URL). */
export async function sharedFileReplicaProblem(store: Store, projectId: string, url: string, options: { dir?: string; now?: Date } = {}): Promise<string | null> {
  const target = parsed(url);
  if (target?.type !== "file") return null;
  const found = await fileDirs(target);
  if (!found) return null;
  const dirs = options.dir === undefined ? found : { written: found.written, real: options.dir };
  const now = options.now ?? new Date();
  const others = await fileClaims(store, projectId, dirs, now);
  if (!others.length) return null;
  let own = await ownClaim(store, projectId, url);
  let times = own ? await ownPlaceTimes(store, projectId, dirs.written, dirs.real, null) : null;
  // As for others: a stored replica outranks reports only where it led when it was stored.
  if (own?.stored && !(await storedThere(store, projectId, dirs.written, dirs.real))) own = { ...own, stored: false };
  if (own && times?.dirAt == null) times = await ownPlaceTimes(store, projectId, dirs.written, dirs.real, now);
  const verdict = pairPrecedence(datedPairs({ claim: own ?? { project: "", stored: false }, times }, others));
  if (verdict.kind === "owner") return null;
  const shown = redactReplicaUrl(url);
  return verdict.kind === "later" ? laterClaimWords(shown, verdict.earlier) : sharedFileReplicaWords(shown, verdict.claimants);
}
