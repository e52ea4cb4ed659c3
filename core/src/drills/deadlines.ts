// The drill scheduler's reads and writes by deadline. Each project keeps `nextDrillAt` (the next fire of
// its drillSchedule to act on) and `drillOverdueAt` (when its proof turns overdue unless a drill passes);
// a tick reads only rows whose deadline passed or was cleared (NULL: a new project, or SQL triggers of
// migration 20261231000000_drill_deadlines after a schedule, grace, creation time or passing drill changed).
import type { Store } from "../store/db.ts";
import { storeTime } from "../store/time.ts";
import { dialectOf, forDialect } from "../store/dialect.ts";
import { STORED_DRILLABLE_SQL } from "./stored-subject.ts";

// What a project drills: its databases, or the replica stored for a project without an agent (stored-subject.ts).
// CASE: PostgreSQL adds no boolean to a number.
const DRILLED_COUNT_SQL = `((SELECT COUNT(*) FROM "Database" d WHERE d."projectId" = p."id") + CASE WHEN ${STORED_DRILLABLE_SQL} THEN 1 ELSE 0 END)`;

/** Rows read per query; one tick reads at most MAX_BATCHES of them and yields to the event loop between. */
// 100 rows cost about 20-50 ms of cron math (cron-parser: ~170 µs a parse on the 2-core machine).
export const BATCH = 100;
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

type Time = string | Date | null;
const asDate = (v: Time): Date | null => (v === null ? null : new Date(v));

/** Projects whose schedule fired (nextDrillAt <= now) or was never computed (NULL), at most BATCH, by index. */
export async function dueSchedules(store: Store, now: Date): Promise<DueSchedule[]> {
  // Raw SQL: Prisma's per-query overhead, paid ~4 times a batch, was most of a first tick at 10,000 projects.
  const rows = await store.$queryRawUnsafe<{ id: string; drillSchedule: string; nextDrillAt: Time; databases: number | bigint }[]>(
    forDialect(dialectOf(store), `SELECT p."id", p."drillSchedule", p."nextDrillAt", ${DRILLED_COUNT_SQL} AS databases
     FROM "Project" p WHERE p."nextDrillAt" IS NULL OR p."nextDrillAt" <= ? LIMIT ${BATCH}`),
    storeTime(now),
  );
  return rows.map((r) => ({ id: r.id, drillSchedule: r.drillSchedule, nextDrillAt: asDate(r.nextDrillAt), databases: Number(r.databases) }));
}

/** Projects whose overdue deadline passed or was cleared, at most BATCH, with their last passing drill's end. */
export async function dueOverdueChecks(store: Store, now: Date): Promise<DueOverdueCheck[]> {
  const rows = await store.$queryRawUnsafe<{ id: string; drillSchedule: string; drillGraceSeconds: number | bigint; createdAt: Time; drillOverdueAt: Time; databases: number | bigint; lastPassedAt: Time }[]>(
    forDialect(dialectOf(store), `SELECT p."id", p."drillSchedule", p."drillGraceSeconds", p."createdAt", p."drillOverdueAt",
       ${DRILLED_COUNT_SQL} AS databases,
       (SELECT MAX(x."finishedAt") FROM "Drill" x WHERE x."projectId" = p."id" AND x."status" = 'passed') AS "lastPassedAt"
     FROM "Project" p WHERE p."drillOverdueAt" IS NULL OR p."drillOverdueAt" <= ? LIMIT ${BATCH}`),
    storeTime(now),
  );
  return rows.map((r) => ({
    id: r.id,
    drillSchedule: r.drillSchedule,
    drillGraceSeconds: Number(r.drillGraceSeconds),
    createdAt: asDate(r.createdAt)!,
    drillOverdueAt: asDate(r.drillOverdueAt),
    databases: Number(r.databases),
    lastPassedAt: asDate(r.lastPassedAt),
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
  if (dialectOf(store) === "postgresql") {
    // The batch as typed rows joined by primary key; IS NOT DISTINCT FROM is SQLite's null-safe IS.
    await store.$executeRawUnsafe(
      `UPDATE "Project" SET "${column}" = j."at"
       FROM jsonb_to_recordset($1::jsonb) AS j("id" text, "was" timestamp(3), "at" timestamp(3))
       WHERE "Project"."id" = j."id" AND "Project"."${column}" IS NOT DISTINCT FROM j."was"`,
      json,
    );
    return;
  }
  // `id IN (…)` finds the rows by primary key; an UPDATE … FROM json_each join scanned the whole table per batch.
  const field = (name: string) => `(SELECT json_extract(j.value, '$.${name}') FROM json_each(?) AS j WHERE json_extract(j.value, '$.id') = "Project"."id")`;
  await store.$executeRawUnsafe(
    `UPDATE "Project" SET "${column}" = ${field("at")}
     WHERE "id" IN (SELECT json_extract(j.value, '$.id') FROM json_each(?) AS j) AND "${column}" IS ${field("was")}`,
    json,
    json,
    json,
  );
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Walks the rows `due()` reads (BATCH at a time, at most MAX_BATCHES batches): `visit` acts on a row and gives
 * its next deadline, written to `column` once per batch. Cron math costs ~0.5 ms a project, so the loop gets
 * a turn every quarter batch and between batches.
 */
export async function walkDeadlines<T>(store: Store, column: "nextDrillAt" | "drillOverdueAt", due: () => Promise<T[]>, visit: (row: T) => Promise<DeadlineWrite>): Promise<void> {
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const rows = await due();
    const writes: DeadlineWrite[] = [];
    for (const [i, row] of rows.entries()) {
      if (i > 0 && i % 25 === 0) await yieldToLoop();
      writes.push(await visit(row));
    }
    await writeDeadlines(store, column, writes);
    if (rows.length < BATCH) return;
    await yieldToLoop();
  }
}
