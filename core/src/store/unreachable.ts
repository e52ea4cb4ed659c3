// Whether an error means the store cannot be reached (the request was fine; retry later), as opposed to a
// bug or bad data. Pure: reads the error objects the store's clients throw.
//
//   unreachableReason(err): string | null     a short reason ("connection refused", "SQLITE_BUSY: database is
//                                             locked"), or null when the error is something else
//
// What counts, by client:
// - Prisma (either store): codes P1001 (cannot reach), P1002 (timed out), P1008 (operation timed out),
//   P1017 (server closed the connection); or its driver adapter's error (meta.driverAdapterError.cause, from
//   @prisma/driver-adapter-utils) of kind DatabaseNotReachable, ConnectionClosed, SocketTimeout (the SQLite
//   adapter's SQLITE_BUSY), TooManyConnections, or a `postgres` / `sqlite` kind with a code below.
// - pg (the PostgreSQL hot path, store/postgres/pool.ts): Node's socket codes (ECONNREFUSED, ECONNRESET, ...),
//   SQLSTATE class 08 (connection exception), 57P01/57P02/57P03 (admin or crash shutdown, starting up), 53300
//   (too many connections), and pg / pg-pool's own connection messages (pool timeout, connection terminated,
//   a query's read timeout).
// - better-sqlite3 (the SQLite hot path): SQLITE_BUSY (past its retry: store/sqlite-busy.ts), SQLITE_LOCKED,
//   SQLITE_IOERR*, SQLITE_CANTOPEN*, SQLITE_READONLY* (the file or disk went read-only), SQLITE_FULL (the disk
//   is full: a tester's 500 on every heartbeat until space came back) and their extended codes.
// Reasons never carry a connection string: only codes and the drivers' fixed texts (pg's message for a
// refused socket names host:port, never the user or password).

const SOCKET_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "connection timed out",
  EPIPE: "connection closed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
};

const PG_STATES: Record<string, string> = {
  "57P01": "PostgreSQL is shutting down (admin shutdown)",
  "57P02": "PostgreSQL crashed (crash shutdown)",
  "57P03": "PostgreSQL cannot accept connections yet (starting up or in recovery)",
  "53300": "PostgreSQL has too many connections",
};

const PRISMA_CODES: Record<string, string> = {
  P1001: "cannot reach the database server",
  P1002: "the database server timed out",
  P1008: "the operation timed out",
  P1017: "the server closed the connection",
};

const ADAPTER_KINDS: Record<string, string> = {
  DatabaseNotReachable: "cannot reach the database server",
  ConnectionClosed: "the server closed the connection",
  SocketTimeout: "the database timed out (busy or locked)",
  TooManyConnections: "too many connections",
};

// pg's and pg-pool's fixed texts for a connection that failed or went away.
const PG_MESSAGES = [/^timeout exceeded when trying to connect$/, /^Connection terminated( unexpectedly| due to connection timeout)?$/, /^Client has encountered a connection error/];

const SQLITE_CODE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|READONLY|FULL)(_[A-Z_]+)?$/;

type Loose = { code?: unknown; message?: unknown; meta?: unknown; cause?: unknown; kind?: unknown; originalCode?: unknown };

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** A reason for one error object (not its causes), or null. */
function reasonOf(e: Loose): string | null {
  const code = text(e.code);
  const message = text(e.message);
  if (SOCKET_CODES[code]) return SOCKET_CODES[code];
  if (PG_STATES[code]) return PG_STATES[code];
  if (/^08[0-9A-Z]{3}$/.test(code)) return `PostgreSQL connection exception (${code})`;
  if (SQLITE_CODE.test(code)) return `${code}: ${message.split("\n")[0]}`;
  const originalCode = text(e.originalCode);
  if (SQLITE_CODE.test(originalCode)) return originalCode;
  const kind = text(e.kind);
  if (ADAPTER_KINDS[kind]) return ADAPTER_KINDS[kind];
  if (PRISMA_CODES[code]) return PRISMA_CODES[code];
  // pg's client-side query_timeout (store/postgres/pool.ts): the server took the query and never answered.
  if (message === "Query read timeout") return "no answer to a query within the query timeout (PostgreSQL hangs, or the network drops its packets)";
  if (PG_MESSAGES.some((re) => re.test(message))) return message.toLowerCase();
  return null;
}

/**
 * A short reason when `err` says the store cannot be reached, else null. Looks at the error, Prisma's
 * meta.driverAdapterError and its cause, and up to 5 levels of `.cause`.
 */
export function unreachableReason(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    const loose = e as Loose;
    const adapter = (loose.meta as { driverAdapterError?: { cause?: Loose } } | undefined)?.driverAdapterError?.cause;
    const reason = (adapter && reasonOf(adapter)) ?? reasonOf(loose);
    if (reason) return reason;
    e = loose.cause;
  }
  return null;
}
