// When the core first saw a project claim a file replica (ReplicaClaim rows), kept apart from the Replica rows
// so a claim keeps its place when those rows are made again (a database renamed, or retired and reported
// again). A claim is a place: the directory as the URL writes it (`path`, normalised so every spelling of one
// path is one claim) and the directory it led to when seen (`dir`, symlinks resolved). Every heartbeat records
// its file replicas' places in the transaction that stores it (a new place with its first time; a known one has
// its seenAt moved), so a path that later turns into a symlink into another project's directory claims that
// directory only from the first heartbeat that saw it lead there, and the place of a path seen last is where it
// leads as of its project's last heartbeat (replica-claims.ts compares the claims).
//
//   fileReplicaPath(url): string | null                    pure: the absolute directory a file replica URL names, normalised; null otherwise
//   fileReplicaPlaces(hb): Promise<ReplicaPlaces>          the places of a heartbeat's file replicas, by URL (symlinks resolved now)
//   otherPlaceTimes(store, projectId, path, dir): Promise<Map<projectId, PlaceTimes>>
//     every other project's earliest claims of `dir` and of `path` (two grouped reads)
//   ownPlaceTimes(store, projectId, path, dir, now): Promise<PlaceTimes>
//     this project's; with none of `dir`, recorded as of `now`
//   recordStoredClaim(store, projectId, url, now): Promise<void>   an operator's stored replica's claim
//   recordUnrecordedClaims(store, now): Promise<number>    at start: file replicas whose project has no claim of
//     their path (made before claims were recorded), recorded as of the row's creation (store/ids.ts newId)
//   pruneReplicaClaims(store, now): Promise<number>        deletes the claims not live and unseen for CLAIM_RETENTION_DAYS
//   capProjectClaims(store, projectId): Promise<number>    past MAX_CLAIMS_PER_PROJECT, deletes the project's oldest claims not live
//
// A claim is live while it dates what its project still reports (liveClaims): a reported path's first claim and
// its last place, and the first claim of the directory that place is. The others are pruned CLAIM_RETENTION_DAYS
// after they were last seen, and still count as claims until then (a project that stopped reporting a replica,
// or retired its database, keeps its place that long).
import path from "node:path";
import type { Store } from "../store/db.ts";
import type { HeartbeatPayload } from "../protocol.ts";
import type { ReplicaPlaces } from "../store/fast-path-types.ts";
import { newId } from "../store/ids.ts";
import { dialectOf } from "../store/dialect.ts";
import { parseReplicaUrl } from "../litestream/replica-url.ts";
import { realReplicaPath, type ResolveBudget } from "./file-roots.ts";
import { reportedAtFromId } from "./replica-precedence.ts";

/** Days a claim is kept after it was last live. */
export const CLAIM_RETENTION_DAYS = 30;
/** Claims a project keeps before its oldest ones not live are deleted (a heartbeat names at most 32 × 8 replicas). */
export const MAX_CLAIMS_PER_PROJECT = 512;
/** Claims not live a project keeps when it passes MAX_CLAIMS_PER_PROJECT (the newest seen). */
const KEPT_NOT_LIVE = 64;

const FILE_URL = /^file:/i;

export function fileReplicaPath(url: string): string | null {
  if (!FILE_URL.test(url)) return null;
  try {
    const target = parseReplicaUrl(url);
    return target.type === "file" && path.isAbsolute(target.path) ? path.resolve(target.path) : null;
  } catch {
    return null;
  }
}

/**
 * Where `dir` (absolute) leads now, symlinks resolved; `dir` itself when it does not resolve (a link loop, too
 * deep a path not made yet, any error: one project's report must never make another's check throw).
 */
export async function placeOf(dir: string, budget?: ResolveBudget): Promise<string> {
  return (await realReplicaPath(dir, budget).catch(() => null)) ?? dir;
}

/**
 * File system calls one heartbeat's places may take together: one to five per replica of an honest agent (a
 * directory made, or a few segments not made yet), so a token naming 256 paths of deep missing segments or link
 * loops costs the core tens of milliseconds, not seconds. A path whose resolution the budget cuts short gets no
 * place this heartbeat (a wrong one would date its project's claim of the real directory too late); a later
 * heartbeat records it.
 */
export const HEARTBEAT_RESOLVE_CALLS = 1024;

/**
 * Where each reported file replica leads now, spending at most `budget`'s calls (left in it: what was not spent, or
 * below 0). The walk starts at replica `start` (mod their count) and wraps: a caller whose calls run short turns the
 * start from heartbeat to heartbeat, so the same first paths do not take them every time (a tester: 11 of 64 paths
 * recorded after a minute of 1 s heartbeats).
 */
export async function fileReplicaPlaces(hb: HeartbeatPayload, budget: ResolveBudget = { calls: HEARTBEAT_RESOLVE_CALLS }, start = 0): Promise<ReplicaPlaces> {
  const out = new Map<string, { path: string; dir: string }>();
  const byPath = new Map<string, string | null>();
  const all = hb.databases.flatMap((d) => d.replicas);
  const from = all.length > 0 ? ((start % all.length) + all.length) % all.length : 0;
  for (const r of [...all.slice(from), ...all.slice(0, from)]) {
    if (out.has(r.url)) continue;
    const p = fileReplicaPath(r.url);
    if (p === null) continue;
    if (!byPath.has(p)) {
      const dir = await realReplicaPath(p, budget).catch(() => undefined);
      // Cut short by the heartbeat's budget (not by the path's own bound): no place rather than a wrong one.
      byPath.set(p, dir === null && budget.calls <= 0 ? null : (dir ?? p));
    }
    const dir = byPath.get(p);
    if (dir !== null && dir !== undefined) out.set(r.url, { path: p, dir });
  }
  return out;
}

/** Records (projectId, path, dir) first seen at `firstAt` and seen at `seenAt` unless recorded before; returns the stored first time. */
async function recordClaim(store: Store, projectId: string, claimPath: string, dir: string, firstAt: Date, seenAt: Date, stored = false): Promise<Date> {
  const key = { projectId, path: claimPath, dir };
  try {
    const row = await store.replicaClaim.upsert({
      where: { projectId_path_dir: key },
      create: { id: newId(), ...key, firstAt, seenAt, stored },
      update: stored ? { stored: true } : {},
      select: { firstAt: true },
    });
    return row.firstAt;
  } catch (err) {
    // Another core recorded it between the upsert's read and its insert (PostgreSQL): the stored row stands.
    if ((err as { code?: string }).code !== "P2002") throw err;
    return (await store.replicaClaim.findUniqueOrThrow({ where: { projectId_path_dir: key }, select: { firstAt: true } })).firstAt;
  }
}

/** A project's earliest claims (ms, core clock) of one directory and of one path; null: none. */
export interface PlaceTimes {
  dirAt: number | null;
  pathAt: number | null;
}

const minOf = (row: { _min: { firstAt: Date | null } }) => row._min.firstAt?.getTime() ?? null;

/**
 * Every other project's earliest claims of the directory `dir` and of the path `claimPath`, by project id (only
 * projects with one or the other): two grouped reads, one row per project however many claims a project made.
 */
export async function otherPlaceTimes(store: Store, projectId: string, claimPath: string, dir: string): Promise<Map<string, PlaceTimes>> {
  const [byDir, byPath] = await Promise.all([
    store.replicaClaim.groupBy({ by: ["projectId"], where: { dir, projectId: { not: projectId } }, _min: { firstAt: true } }),
    store.replicaClaim.groupBy({ by: ["projectId"], where: { path: claimPath, projectId: { not: projectId } }, _min: { firstAt: true } }),
  ]);
  const out = new Map<string, PlaceTimes>();
  for (const r of byDir) out.set(r.projectId, { dirAt: minOf(r), pathAt: null });
  for (const r of byPath) out.set(r.projectId, { dirAt: out.get(r.projectId)?.dirAt ?? null, pathAt: minOf(r) });
  return out;
}

/**
 * This project's earliest claims of the directory `dir` and of its path `claimPath`. With none of `dir` (its path
 * led elsewhere at its last heartbeat), its claim of `dir` is recorded as of `now` (it ranks after every claim seen
 * before), or with `now` null left unknown.
 */
export async function ownPlaceTimes(store: Store, projectId: string, claimPath: string, dir: string, now: Date | null): Promise<PlaceTimes> {
  const [byDir, byPath] = await Promise.all([
    store.replicaClaim.aggregate({ where: { projectId, dir }, _min: { firstAt: true } }),
    store.replicaClaim.aggregate({ where: { projectId, path: claimPath }, _min: { firstAt: true } }),
  ]);
  const dirAt = minOf(byDir) ?? (now ? (await recordClaim(store, projectId, claimPath, dir, now, now)).getTime() : null);
  const pathAt = minOf(byPath);
  return { dirAt, pathAt: pathAt ?? (now ? dirAt : null) };
}

/** Whether an operator stored `claimPath` on `projectId` while it led to `dir` (recordStoredClaim). */
export async function storedThere(store: Store, projectId: string, claimPath: string, dir: string): Promise<boolean> {
  return (await store.replicaClaim.count({ where: { projectId, path: claimPath, dir, stored: true } })) > 0;
}

/** Records that `projectId`'s path `claimPath` leads to `dir`, first seen `now` unless recorded before; returns the stored first time. */
export function recordPlace(store: Store, projectId: string, claimPath: string, dir: string, now: Date): Promise<Date> {
  return recordClaim(store, projectId, claimPath, dir, now, now);
}

/** An operator storing the file replica `url` on a project (PATCH replicaUrl): its claim of the place, as of `now` unless recorded before. */
export async function recordStoredClaim(store: Store, projectId: string, url: string, now: Date): Promise<void> {
  const p = fileReplicaPath(url);
  if (p !== null) await recordClaim(store, projectId, p, await placeOf(p), now, now, true);
}

// The file replicas projects claim now: their agents' Replica rows and the replicas operators stored on them.
const FILE_ROWS_SQL = `SELECT "id", "url", "projectId", "stored" FROM (
    SELECT r."id" AS "id", r."url" AS "url", d."projectId" AS "projectId", 0 AS "stored" FROM "Replica" r JOIN "Database" d ON d."id" = r."databaseId"
    UNION ALL SELECT p."id" AS "id", p."replicaUrl" AS "url", p."id" AS "projectId", 1 AS "stored" FROM "Project" p WHERE p."replicaUrl" IS NOT NULL
  ) f WHERE lower(substr(f."url", 1, 5)) = 'file:'`;

/** `stored`: 1 for a replica an operator stored on the project (Project.replicaUrl), 0 for an agent's Replica row. */
type FileRow = { id: string; url: string; projectId: string; stored: number | bigint };

async function fileRows(store: Store, projectId: string | null): Promise<FileRow[]> {
  const sql = projectId === null ? FILE_ROWS_SQL : `${FILE_ROWS_SQL} AND f."projectId" = ${dialectOf(store) === "sqlite" ? "?" : "$1"}`;
  return projectId === null ? store.$queryRawUnsafe<FileRow[]>(sql) : store.$queryRawUnsafe<FileRow[]>(sql, projectId);
}

export async function recordUnrecordedClaims(store: Store, now: Date): Promise<number> {
  const rows = await fileRows(store, null);
  if (rows.length === 0) return 0;
  const recorded = new Set((await store.replicaClaim.findMany({ select: { projectId: true, path: true } })).map((c) => `${c.projectId}\u0000${c.path}`));
  let made = 0;
  // Stored replicas first: a path a project both stores and reports is recorded once, as stored (recordStoredClaim's claim).
  for (const r of [...rows].sort((a, b) => Number(b.stored) - Number(a.stored))) {
    const p = fileReplicaPath(r.url);
    if (p === null || recorded.has(`${r.projectId}\u0000${p}`)) continue;
    const createdAt = reportedAtFromId(r.id);
    await recordClaim(store, r.projectId, p, await placeOf(p), new Date(Math.min(createdAt ?? now.getTime(), now.getTime())), now, Number(r.stored) === 1);
    recorded.add(`${r.projectId}\u0000${p}`);
    made++;
  }
  return made;
}

type Claim = { id: string; projectId: string; path: string; dir: string; firstAt: Date; seenAt: Date };

/**
 * Of `claims`, the ids of the live ones, given the file Replica rows of their projects: for each path a project
 * reports, its earliest claim (the path's first claim) and its claim seen last (where it leads); for each
 * directory those lead to, the project's earliest claim of it. At most three per reported path, however many
 * other paths once led there.
 */
function liveClaims(claims: Claim[], rows: FileRow[]): Set<string> {
  const key = (projectId: string, p: string) => `${projectId}\u0000${p}`;
  const reported = new Set<string>();
  for (const r of rows) {
    const p = fileReplicaPath(r.url);
    if (p !== null) reported.add(key(r.projectId, p));
  }
  const first = new Map<string, Claim>();
  const last = new Map<string, Claim>();
  for (const c of claims) {
    const k = key(c.projectId, c.path);
    if (!reported.has(k)) continue;
    if (!first.has(k) || c.firstAt < first.get(k)!.firstAt) first.set(k, c);
    if (!last.has(k) || c.seenAt > last.get(k)!.seenAt) last.set(k, c);
  }
  const ledTo = new Set([...last.values()].map((c) => key(c.projectId, c.dir)));
  const firstOfDir = new Map<string, Claim>();
  for (const c of claims) {
    const k = key(c.projectId, c.dir);
    if (ledTo.has(k) && (!firstOfDir.has(k) || c.firstAt < firstOfDir.get(k)!.firstAt)) firstOfDir.set(k, c);
  }
  return new Set([...first.values(), ...last.values(), ...firstOfDir.values()].map((c) => c.id));
}

const CHUNK = 500;
const CLAIM_COLUMNS = { id: true, projectId: true, path: true, dir: true, firstAt: true, seenAt: true } as const;

async function deleteIds(store: Store, ids: string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += CHUNK) deleted += (await store.replicaClaim.deleteMany({ where: { id: { in: ids.slice(i, i + CHUNK) } } })).count;
  return deleted;
}

export async function pruneReplicaClaims(store: Store, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - CLAIM_RETENTION_DAYS * 86_400_000);
  const old = await store.replicaClaim.findMany({ where: { seenAt: { lt: cutoff } }, select: { projectId: true } });
  if (old.length === 0) return 0;
  const projects = new Set(old.map((c) => c.projectId));
  const claims = await store.replicaClaim.findMany({ where: { projectId: { in: [...projects] } }, select: CLAIM_COLUMNS });
  const rows = (await fileRows(store, null)).filter((r) => projects.has(r.projectId));
  const live = liveClaims(claims, rows);
  return deleteIds(store, claims.filter((c) => c.seenAt < cutoff && !live.has(c.id)).map((c) => c.id));
}

export async function capProjectClaims(store: Store, projectId: string): Promise<number> {
  if ((await store.replicaClaim.count({ where: { projectId } })) <= MAX_CLAIMS_PER_PROJECT) return 0;
  const claims = await store.replicaClaim.findMany({ where: { projectId }, orderBy: { seenAt: "desc" }, select: CLAIM_COLUMNS });
  const live = liveClaims(claims, await fileRows(store, projectId));
  return deleteIds(store, claims.filter((c) => !live.has(c.id)).slice(KEPT_NOT_LIVE).map((c) => c.id));
}
