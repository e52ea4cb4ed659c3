// Whether an alert pass can find anything to do. A pass runs four Prisma reads and more (plan-scope.ts,
// deliver.ts; ~3 ms of CPU a pass, every 2 s on every core); this asks the store in two raw statements
// (~0.25 ms) whether anything a pass reads has moved since the last pass, and the clock (plan-scope.ts's
// quiet()) whether anything falls due. Unchanged and nothing due: the pass is skipped.
import type { Store } from "../store/db.ts";

/** What a pass reads, summed up: `key` changes whenever the outbox, a project row or a channel does. */
export interface AlertProbe {
  key: string;
  /** The earliest nextAttemptAt (ms) of a pending or sending delivery; null when none waits. */
  nextAttemptMs: number | null;
}

// Portable SQL (both stores): the outbox's newest id, the newest project change, the earliest delivery
// waiting (index Delivery(status, nextAttemptAt)), and every channel as plan-scope.ts's stamp reads it.
const PROBE_SQL = `SELECT (SELECT MAX("id") FROM "IncidentTransition") AS "transition",
  (SELECT MAX("updatedAt") FROM "Project") AS "projectUpdated",
  (SELECT MIN("nextAttemptAt") FROM "Delivery" WHERE "status" IN ('pending', 'sending')) AS "nextAttempt"`;
const CHANNELS_SQL = `SELECT "id", "projectId", CAST("type" AS TEXT) AS "type", "target" FROM "AlertChannel" ORDER BY "id"`;

/** A raw DateTime as either store returns it (Date on PostgreSQL, storeTime() text or epoch ms on SQLite) in ms; null for NULL. */
export function rawTimeMs(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" || typeof value === "bigint") return Number(value);
  const ms = Date.parse(String(value));
  if (Number.isNaN(ms)) throw new Error(`alert probe: unreadable time ${JSON.stringify(String(value))}`);
  return ms;
}

/** Reads the probe. `digestWeek`: the ISO week of the digest due now (or null), so a digest falling due changes the key. Rejects with the store's error. */
export async function readAlertProbe(store: Store, digestWeek: string | null): Promise<AlertProbe> {
  const [row] = await store.$queryRawUnsafe<{ transition: unknown; projectUpdated: unknown; nextAttempt: unknown }[]>(PROBE_SQL);
  const channels = await store.$queryRawUnsafe<{ id: string; projectId: string | null; type: string; target: string }[]>(CHANNELS_SQL);
  const key = JSON.stringify([String(row?.transition ?? null), rawTimeMs(row?.projectUpdated), digestWeek, channels.map((c) => [c.id, c.projectId, c.type, c.target])]);
  return { key, nextAttemptMs: rawTimeMs(row?.nextAttempt) };
}

/**
 * Pure: whether a pass at `atMs` is needed, given the probe taken before the last pass that succeeded (`last`,
 * null before the first), the probe now, and whether the clock calls for nothing (`clockQuiet`: plan-scope.ts quiet()).
 */
export function passNeeded(last: AlertProbe | null, now: AlertProbe, atMs: number, clockQuiet: boolean): boolean {
  if (last === null || !clockQuiet || now.key !== last.key) return true;
  return now.nextAttemptMs !== null && now.nextAttemptMs <= atMs;
}
