// When the core first saw a project claim a file replica directory (ReplicaClaim rows), kept apart from the
// Replica rows so a claim keeps its place when those rows are made again (a database renamed, or retired and
// reported again), and keyed by the directory as resolved when seen, so a path that later turns into a symlink
// into another project's directory claims that directory only from when the core saw it lead there.
//
//   fileReplicaDir(url): Promise<string | null>
//     the directory a file replica URL names, symlinks resolved (file-roots.ts realReplicaPath; as written when it
//     does not resolve); null for a URL that is not an absolute file replica
//   recordReplicaClaims(store, projectId, urls, now): Promise<number>
//     after a heartbeat made Replica rows: each file URL's claim on its directory as resolved now (kept when already recorded)
//   recordUnrecordedClaims(store, now): Promise<number>
//     at start: file Replica rows with no claim of their project and URL (made before claims were recorded, or by a
//     core stopped between its commit and its record) recorded at the row's creation (store/ids.ts newId)
//   firstClaimTimes(store, dir, claims, now): Promise<Map<projectId, ms>>
//     each claiming project's first claim on `dir`; a claim the core never saw lead to `dir` is recorded as of `now`
//   pruneReplicaClaims(store, now): Promise<number>
//     marks claims whose project still has a Replica row with their URL as seen; deletes claims unseen for CLAIM_RETENTION_DAYS
import path from "node:path";
import type { Store } from "../store/db.ts";
import { newId } from "../store/ids.ts";
import { dialectOf, forDialect } from "../store/dialect.ts";
import { storeTime } from "../store/time.ts";
import { parseReplicaUrl } from "../litestream/replica-url.ts";
import { realReplicaPath } from "./file-roots.ts";
import { reportedAtFromId } from "./replica-precedence.ts";

/** Days a claim is kept after its project last had a Replica row with its URL. */
export const CLAIM_RETENTION_DAYS = 30;

export async function fileReplicaDir(url: string): Promise<string | null> {
  let written: string;
  try {
    const target = parseReplicaUrl(url);
    if (target.type !== "file" || !path.isAbsolute(target.path)) return null;
    written = path.resolve(target.path);
  } catch {
    return null;
  }
  // Any resolve error compares the path as written: one project's report must never make another's check throw.
  return (await realReplicaPath(written).catch(() => null)) ?? written;
}

/** Records (projectId, url, dir) first seen at `firstAt` unless recorded before; returns the stored first time. */
async function recordClaim(store: Store, projectId: string, url: string, dir: string, firstAt: Date): Promise<Date> {
  const key = { projectId, url, dir };
  try {
    const row = await store.replicaClaim.upsert({
      where: { projectId_url_dir: key },
      create: { id: newId(), ...key, firstAt, seenAt: new Date() },
      update: {},
      select: { firstAt: true },
    });
    return row.firstAt;
  } catch (err) {
    // Another core recorded it between the upsert's read and its insert (PostgreSQL): the stored row stands.
    if ((err as { code?: string }).code !== "P2002") throw err;
    const row = await store.replicaClaim.findUniqueOrThrow({ where: { projectId_url_dir: key }, select: { firstAt: true } });
    return row.firstAt;
  }
}

export async function recordReplicaClaims(store: Store, projectId: string, urls: string[], now: Date): Promise<number> {
  let recorded = 0;
  for (const url of urls) {
    const dir = await fileReplicaDir(url);
    if (dir === null) continue;
    await recordClaim(store, projectId, url, dir, now);
    recorded++;
  }
  return recorded;
}

const UNRECORDED_SQL = `SELECT r."id", r."url", d."projectId" FROM "Replica" r JOIN "Database" d ON d."id" = r."databaseId"
  WHERE lower(substr(r."url", 1, 5)) = 'file:'
    AND NOT EXISTS (SELECT 1 FROM "ReplicaClaim" c WHERE c."projectId" = d."projectId" AND c."url" = r."url")`;

export async function recordUnrecordedClaims(store: Store, now: Date): Promise<number> {
  const rows = await store.$queryRawUnsafe<{ id: string; url: string; projectId: string }[]>(UNRECORDED_SQL);
  let recorded = 0;
  for (const r of rows) {
    const dir = await fileReplicaDir(r.url);
    if (dir === null) continue;
    const made = reportedAtFromId(r.id);
    await recordClaim(store, r.projectId, r.url, dir, made === null ? now : new Date(Math.min(made, now.getTime())));
    recorded++;
  }
  return recorded;
}

/**
 * `claims`: the Replica rows (project id and URL) that claim the real directory `dir` now. Returns each
 * project's earliest recorded claim on `dir` (ms, core clock). A project with none (its path led elsewhere when
 * it was first reported, or the record was lost) is recorded now, so it ranks after every claim seen before.
 */
export async function firstClaimTimes(store: Store, dir: string, claims: { projectId: string; url: string }[], now: Date): Promise<Map<string, number>> {
  const projects = [...new Set(claims.map((c) => c.projectId))];
  const out = new Map<string, number>();
  if (projects.length === 0) return out;
  const rows = await store.replicaClaim.findMany({ where: { dir, projectId: { in: projects } }, select: { projectId: true, firstAt: true } });
  for (const r of rows) out.set(r.projectId, Math.min(out.get(r.projectId) ?? Infinity, r.firstAt.getTime()));
  for (const c of claims) {
    if (out.has(c.projectId)) continue;
    out.set(c.projectId, (await recordClaim(store, c.projectId, c.url, dir, now)).getTime());
  }
  return out;
}

const LIVE = `EXISTS (SELECT 1 FROM "Replica" r JOIN "Database" d ON d."id" = r."databaseId"
  WHERE d."projectId" = "ReplicaClaim"."projectId" AND r."url" = "ReplicaClaim"."url")`;

export async function pruneReplicaClaims(store: Store, now: Date): Promise<number> {
  const dialect = dialectOf(store);
  const time = dialect === "sqlite" ? "?" : "?::timestamp(3)";
  await store.$executeRawUnsafe(forDialect(dialect, `UPDATE "ReplicaClaim" SET "seenAt" = ${time} WHERE ${LIVE}`), storeTime(now));
  const cutoff = new Date(now.getTime() - CLAIM_RETENTION_DAYS * 86_400_000);
  const { count } = await store.replicaClaim.deleteMany({ where: { seenAt: { lt: cutoff } } });
  return count;
}
