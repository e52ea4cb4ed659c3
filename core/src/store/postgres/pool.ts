// The hot path's pg pool: timestamp(3) columns (no zone; Prisma stores UTC) read as UTC Dates, where
// pg's default would read them in the process's local zone; bigint read as text (callers bound it).
// Pipelined: the statements queued on a client before the first answer go out at once, so a transaction
// whose statements do not wait on each other's results costs one round trip, not one per statement
// (the server still runs them one after another, each seeing what the previous ones wrote).
//
//   openPool(url, max): pg.Pool          url: postgresql://…; max: connections (≥ 1)
//   pgTime(date): string                 a JS Date as the UTC text a timestamp(3) parameter takes
import pg from "pg";

/**
 * ms a query on the store's pools may wait for its answer (pg's client-side query_timeout) before it fails as
 * "the store cannot be reached": a hung server (failover, partition) answers nothing and refuses nothing, and
 * without it a request would wait for ever. Well above the longest query the core runs (the list's facts at
 * 100,000 projects: about a second).
 */
export const PG_QUERY_TIMEOUT_MS = 15_000;

/** How Borela's connections show in pg_stat_activity (an operator telling them from others'). */
export const PG_APPLICATION_NAME = "borela";

const TIMESTAMP_OID = 1114;

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID && format !== "binary" ? (text: string) => new Date(text.replace(" ", "T") + "Z") : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

export function openPool(url: string, max: number): pg.Pool {
  if (!Number.isInteger(max) || max < 1) throw new Error(`maxConnections: ${max} is not a whole number ≥ 1`);
  const pool = new pg.Pool({ connectionString: url, max, types, connectionTimeoutMillis: 10_000, query_timeout: PG_QUERY_TIMEOUT_MS, application_name: PG_APPLICATION_NAME, pipeline: true });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  // Nor a checked-out one's: pg-pool listens only while a client is idle, and a server shutting down (57P01)
  // between a transaction's round trips reaches the client with no query to fail. The next query on it
  // rejects instead (unreachable.ts: "Client has encountered a connection error"), and the caller handles that.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

/**
 * Runs `queue` (which sends statements on `client` without awaiting them) with the client's socket corked,
 * so the pipelined statements leave in one write, not one each: under load every write wakes the server
 * (and often gives it our CPU) once per statement. Returns what `queue` returns.
 */
export function corked<T>(client: pg.PoolClient, queue: () => T): T {
  // pg's Client keeps its socket at connection.stream (not in its types); without it, writes are just not merged.
  const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
  stream?.cork?.();
  try {
    return queue();
  } finally {
    stream?.uncork?.();
  }
}

/** A timestamp(3) parameter: ISO text, whose zone PostgreSQL ignores for `timestamp`, so UTC digits are stored. */
export function pgTime(date: Date): string {
  return date.toISOString();
}

/** True for the errors a transaction may be retried after: deadlock, serialization failure. */
export function retryable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === "40P01" || code === "40001";
}
