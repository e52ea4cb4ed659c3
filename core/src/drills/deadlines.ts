// The drill scheduler's reads and writes by deadline. Each project keeps `nextDrillAt` (the next fire of
// its drillSchedule to act on) and `drillOverdueAt` (when its proof turns overdue unless a drill passes);
// a tick reads only rows whose deadline passed or was cleared (NULL: a new project, or SQL triggers of
// migration 20261231000000_drill_deadlines after a schedule, grace, creation time or passing drill changed).
import type { Store } from "../store/db.ts";
import { storeTime } from "../store/time.ts";

/** Rows read per query; one tick reads at most MAX_BATCHES of them and yields to the event loop between. */
// 50 rows cost about 10-25 ms of cron math (cron-parser: ~170 µs a parse on the 2-core machine).
export const BATCH = 50;
export const MAX_BATCHES = 2_000;

export interface DueSchedule {
  id: string;
  drillSchedule: string;
  nextDrillAt: Date | null;
  databases: number;
}

export interface DueOverdueCheck {
  id: string;
  drillSchedule: string;
  drillGraceSeconds: number;
  createdAt: Date;
  drillOverdueAt: Date | null;
  databases: number;
  lastPassedAt: Date | null;
}

/** Projects whose schedule fired (nextDrillAt <= now) or was never computed (NULL), at most BATCH, by index. */
export async function dueSchedules(store: Store, now: Date): Promise<DueSchedule[]> {
  const rows = await store.project.findMany({
    where: { OR: [{ nextDrillAt: null }, { nextDrillAt: { lte: now } }] },
    select: { id: true, drillSchedule: true, nextDrillAt: true, _count: { select: { databases: true } } },
    take: BATCH,
  });
  return rows.map((r) => ({ id: r.id, drillSchedule: r.drillSchedule, nextDrillAt: r.nextDrillAt, databases: r._count.databases }));
}

/** Projects whose overdue deadline passed or was cleared, at most BATCH, with their last passing drill's end. */
export async function dueOverdueChecks(store: Store, now: Date): Promise<DueOverdueCheck[]> {
  const rows = await store.project.findMany({
    where: { OR: [{ drillOverdueAt: null }, { drillOverdueAt: { lte: now } }] },
    select: { id: true, drillSchedule: true, drillGraceSeconds: true, createdAt: true, drillOverdueAt: true, _count: { select: { databases: true } } },
    take: BATCH,
  });
  if (rows.length === 0) return [];
  const passed = await store.drill.groupBy({
    by: ["projectId"],
    where: { projectId: { in: rows.map((r) => r.id) }, status: "passed" },
    _max: { finishedAt: true },
  });
  const last = new Map(passed.map((p) => [p.projectId, p._max.finishedAt]));
  return rows.map((r) => ({
    id: r.id,
    drillSchedule: r.drillSchedule,
    drillGraceSeconds: r.drillGraceSeconds,
    createdAt: r.createdAt,
    drillOverdueAt: r.drillOverdueAt,
    databases: r._count.databases,
    lastPassedAt: last.get(r.id) ?? null,
  }));
}

export interface DeadlineWrite {
  id: string;
  /** The value read before deciding: a row changed since (a trigger cleared it) keeps its change. */
  was: Date | null;
  at: Date;
}

/**
 * Writes one deadline column for a batch in one statement (its SQL does not grow with the batch: one JSON
 * parameter). A row whose column changed since it was read is left alone; the next tick reads it again.
 */
export async function writeDeadlines(store: Store, column: "nextDrillAt" | "drillOverdueAt", writes: DeadlineWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const json = JSON.stringify(writes.map((w) => ({ id: w.id, was: w.was ? storeTime(w.was) : null, at: storeTime(w.at) })));
  await store.$executeRawUnsafe(
    `UPDATE "Project" SET "${column}" = json_extract(j.value, '$.at')
     FROM json_each(?) AS j
     WHERE "Project"."id" = json_extract(j.value, '$.id') AND "Project"."${column}" IS json_extract(j.value, '$.was')`,
    json,
  );
}
