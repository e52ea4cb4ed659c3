// Failure windows in the PostgreSQL store's "AuthWindow" table, shared by every core on it: one upsert per
// failure (a row past its `until` starts over at 1), times on the database's clock so cores whose clocks
// differ agree. Rows past their `until` are deleted at most once a minute, by whichever core fails then.
//
//   postgresWindows(pool): FailureWindows     pool: a pg.Pool (or anything with its query()) on the store
// Errors: add/get reject with pg's error when the database is down or refuses.
import { boundedKey, type FailureWindows, type Window } from "./windows.ts";

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

const NOW = `(now() AT TIME ZONE 'UTC')`;
const LEFT_MS = `GREATEST(0, EXTRACT(EPOCH FROM ("until" - ${NOW})) * 1000)::float8`;
const ADD = `
INSERT INTO "AuthWindow" ("key", "count", "until") VALUES ($1, 1, ${NOW} + $2 * INTERVAL '1 millisecond')
ON CONFLICT ("key") DO UPDATE SET
  "count" = CASE WHEN "AuthWindow"."until" <= ${NOW} THEN 1 ELSE "AuthWindow"."count" + 1 END,
  "until" = CASE WHEN "AuthWindow"."until" <= ${NOW} THEN EXCLUDED."until" ELSE "AuthWindow"."until" END
RETURNING "count", ${LEFT_MS} AS "leftMs"`;
const GET = `SELECT "count", ${LEFT_MS} AS "leftMs" FROM "AuthWindow" WHERE "key" = $1 AND "until" > ${NOW}`;
const PRUNE = `DELETE FROM "AuthWindow" WHERE "until" <= ${NOW}`;
export const PRUNE_EVERY_MS = 60_000;

export function postgresWindows(db: Queryable, now: () => number = () => Date.now()): FailureWindows & { prune(): Promise<number> } {
  let prunedAt = now();
  async function prune(): Promise<number> {
    prunedAt = now();
    const result = (await db.query(PRUNE)) as { rowCount?: number | null };
    return result.rowCount ?? 0;
  }
  return {
    prune,
    async add(key, windowMs) {
      const { rows } = await db.query(ADD, [boundedKey(key), Math.max(1, Math.round(windowMs))]);
      if (now() - prunedAt >= PRUNE_EVERY_MS) void prune().catch(() => undefined);
      return { count: Number(rows[0].count), leftMs: Math.round(Number(rows[0].leftMs)) };
    },
    async get(key): Promise<Window | null> {
      const { rows } = await db.query(GET, [boundedKey(key)]);
      if (rows.length === 0) return null;
      return { count: Number(rows[0].count), leftMs: Math.round(Number(rows[0].leftMs)) };
    },
    async close() {},
  };
}
