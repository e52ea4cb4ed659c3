// One page of a project's heartbeat history, newest first, bounded by rows and
// by stored payload bytes, so a history of heartbeats at the body limit cannot
// make one response tens of megabytes.
import type { Store } from "./db.ts";
import { dialectOf, type Dialect } from "./dialect.ts";
import type { Heartbeat } from "../generated/prisma/client.ts";

/** Stored payload bytes one page carries at most (its first row always comes, whatever its size). */
export const HISTORY_PAGE_MAX_BYTES = 2 * 1024 * 1024;

/**
 * Payload sizes of some of a project's rows (parameters: projectId, the ids as one JSON array). SQLite reads
 * them from the index of migration 20270119000000_heartbeat_bytes_portable, named (its planner would read the payloads);
 * PostgreSQL finds the rows by primary key and reads octet_length from their (TOAST-compressed) headers.
 */
const SIZES_SQL: Record<Dialect, string> = {
  sqlite: `SELECT id, length(CAST(payload AS BLOB)) AS bytes FROM Heartbeat INDEXED BY Heartbeat_projectId_receivedAt_bytes_idx
     WHERE projectId = ? AND id IN (SELECT value FROM json_each(?))`,
  postgresql: `SELECT "id", octet_length("payload") AS "bytes" FROM "Heartbeat"
     WHERE "projectId" = $1 AND "id" IN (SELECT jsonb_array_elements_text($2::jsonb))`,
};

/** How many of the rows (newest first, their sizes in bytes) one page takes: at least one, then while the sum stays within maxBytes. */
export function rowsWithinBytes(sizes: number[], maxBytes: number): number {
  let total = 0;
  for (let i = 0; i < sizes.length; i++) {
    total += sizes[i];
    if (i > 0 && total > maxBytes) return i;
  }
  return sizes.length;
}

/**
 * Up to `limit` heartbeat rows of the project sent before `before` (all when null), newest sentAt first,
 * cut at HISTORY_PAGE_MAX_BYTES of payload. `truncated`: rows were left off for bytes; the caller pages on
 * with before = the last row's sentAt.
 */
export async function readHistoryPage(
  store: Store,
  projectId: string,
  limit: number,
  before: Date | null,
  maxBytes = HISTORY_PAGE_MAX_BYTES,
): Promise<{ rows: Heartbeat[]; truncated: boolean }> {
  const where = { projectId, ...(before ? { sentAt: { lt: before } } : {}) };
  const ids = (await store.heartbeat.findMany({ where, orderBy: { sentAt: "desc" }, take: limit, select: { id: true } })).map((r) => r.id);
  if (ids.length === 0) return { rows: [], truncated: false };
  const sized = await store.$queryRawUnsafe<{ id: string; bytes: number | bigint }[]>(SIZES_SQL[dialectOf(store)], projectId, JSON.stringify(ids));
  const bytesOf = new Map(sized.map((r) => [r.id, Number(r.bytes)]));
  const take = rowsWithinBytes(ids.map((id) => bytesOf.get(id) ?? 0), maxBytes);
  const rows = await store.heartbeat.findMany({ where: { id: { in: ids.slice(0, take) } }, orderBy: { sentAt: "desc" } });
  return { rows, truncated: take < ids.length };
}
