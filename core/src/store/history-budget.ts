// Bounds the heartbeat history one project holds by bytes (BORELA_HEARTBEAT_HISTORY_MB_PER_PROJECT):
// one agent token may send 600 heartbeats a minute at the body limit, and the
// day-based retention alone would keep gigabytes of them. Pruned periodically,
// oldest rows first, in short transactions, never the project's newest row.
import type { Store } from "./db.ts";
import { dialectOf, type Dialect } from "./dialect.ts";

/** Rows deleted per transaction, like the sweeper's batches: no long write lock. */
export const PRUNE_BATCH_ROWS = 200;

// Sizes come from the index on (projectId, receivedAt, length(CAST(payload AS BLOB))) (migration
// 20270119000000_heartbeat_bytes_portable: octet_length's figure, in any SQLite an operator has): neither
// statement reads a payload. The expression must stay the index's, letter for letter.
/** Projects whose history passes the budget (parameter: bytes). */
export const OVER_BUDGET_PROJECTS_SQL = `SELECT projectId FROM Heartbeat GROUP BY projectId HAVING SUM(length(CAST(payload AS BLOB))) > ?`;
/** A project's oldest rows past the budget counted from its newest row, which never counts as past (parameters: projectId, bytes, limit). */
export const OVER_BUDGET_ROWS_SQL = `SELECT id FROM (
    SELECT id, receivedAt,
      SUM(length(CAST(payload AS BLOB))) OVER (ORDER BY receivedAt DESC, id DESC ROWS UNBOUNDED PRECEDING) AS kept,
      ROW_NUMBER() OVER (ORDER BY receivedAt DESC, id DESC) AS n
    FROM Heartbeat INDEXED BY Heartbeat_projectId_receivedAt_bytes_idx WHERE projectId = ?
  ) WHERE kept > ? AND n > 1
  ORDER BY receivedAt ASC, id ASC LIMIT ?`;

/** The same two statements for PostgreSQL (no INDEXED BY; names quoted, as PostgreSQL folds bare ones). */
export const PG_OVER_BUDGET_PROJECTS_SQL = `SELECT "projectId" FROM "Heartbeat" GROUP BY "projectId" HAVING SUM(octet_length("payload")) > $1`;
export const PG_OVER_BUDGET_ROWS_SQL = `SELECT "id" FROM (
    SELECT "id", "receivedAt",
      SUM(octet_length("payload")) OVER (ORDER BY "receivedAt" DESC, "id" DESC ROWS UNBOUNDED PRECEDING) AS kept,
      ROW_NUMBER() OVER (ORDER BY "receivedAt" DESC, "id" DESC) AS n
    FROM "Heartbeat" WHERE "projectId" = $1
  ) AS sized WHERE kept > $2 AND n > 1
  ORDER BY "receivedAt" ASC, "id" ASC LIMIT $3`;

const SQL: Record<Dialect, { projects: string; rows: string }> = {
  sqlite: { projects: OVER_BUDGET_PROJECTS_SQL, rows: OVER_BUDGET_ROWS_SQL },
  postgresql: { projects: PG_OVER_BUDGET_PROJECTS_SQL, rows: PG_OVER_BUDGET_ROWS_SQL },
};

export interface HistoryPruneOptions {
  /** Bytes of stored payload (octet_length) a project's history may hold. */
  budgetBytes: number;
  /** Most rows one call deletes; the rest waits for the next call. */
  maxRows?: number;
}

/** What one call did: rows deleted, and whether an over-budget project is left for the next call. */
export interface HistoryPruneResult {
  deleted: number;
  more: boolean;
}

/**
 * Deletes the oldest heartbeat rows of each project whose payloads sum past budgetBytes, until it fits
 * (its newest row is always kept, whatever its size), in transactions of PRUNE_BATCH_ROWS rows and at most
 * maxRows (default 10,000) rows per call. Sizes are octet_length(payload): UTF-8 bytes on both stores, read from an index on SQLite.
 */
export async function pruneHistoryOverBudget(store: Store, options: HistoryPruneOptions): Promise<HistoryPruneResult> {
  const maxRows = options.maxRows ?? 10_000;
  const over = await store.$queryRawUnsafe<{ projectId: string }[]>(SQL[dialectOf(store)].projects, options.budgetBytes);
  let deleted = 0;
  for (const { projectId } of over) {
    const room = maxRows - deleted;
    if (room <= 0) return { deleted, more: true };
    const ids = await overBudgetRows(store, projectId, options.budgetBytes, room + 1);
    for (let i = 0; i < Math.min(ids.length, room); i += PRUNE_BATCH_ROWS) {
      // One statement: its own short transaction.
      const batch = ids.slice(i, Math.min(i + PRUNE_BATCH_ROWS, room));
      deleted += (await store.heartbeat.deleteMany({ where: { id: { in: batch } } })).count;
    }
    if (ids.length > room) return { deleted, more: true };
  }
  return { deleted, more: false };
}

/** Up to `limit` ids of the project's oldest rows that lie past the budget counted from its newest row. */
async function overBudgetRows(store: Store, projectId: string, budgetBytes: number, limit: number): Promise<string[]> {
  const rows = await store.$queryRawUnsafe<{ id: string }[]>(SQL[dialectOf(store)].rows, projectId, budgetBytes, limit);
  return rows.map((r) => r.id);
}
