// What an agent reports is data, checked at ingest beyond the JSON schema
// (protocol.ts): database paths, replica URLs and table names. An agent token may be in an
// attacker's hands, so nothing here is trusted to be a safe path, endpoint or
// shell word; these checks make it well-formed, and everything downstream
// still quotes and escapes it.
//
//   checkHeartbeat(payload): HeartbeatPayload   replica URLs normalised; throws ReportedValueError
//   normaliseReplicaUrl(url): string            throws ReportedValueError (reason only)
import type { HeartbeatPayload } from "./protocol.ts";
import { CONTROL, markControls } from "./control.ts";

export class ReportedValueError extends Error {
  /** field: where in the body, e.g. "body/databases/0/replicas/1/url". */
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}


/** The query keys our replica URLs use (litestream/replica-url.ts); any other key is refused. */
export const REPLICA_URL_KEYS = new Set(["endpoint", "region", "forcePathStyle", "force-path-style"]);

/** JSON-quoted (C0 as \u escapes), DEL, C1 and bidi controls marked: safe to echo to whoever logs the answer. */
const quoted = (s: string) => markControls(JSON.stringify(s));

/** Whether a "/"-separated segment of `p` is exactly "..", without splitting `p` (checked on every reported path). */
function hasDotDot(p: string): boolean {
  for (let i = p.indexOf(".."); i !== -1; i = p.indexOf("..", i + 1)) {
    if ((i === 0 || p[i - 1] === "/") && (i + 2 === p.length || p[i + 2] === "/")) return true;
  }
  return false;
}

/** Null when `p` is an absolute path without control characters, commas or ".." segments; otherwise why not. */
export function databasePathProblem(p: string): string | null {
  if (CONTROL.test(p)) return `holds a control character (${quoted(p)})`;
  if (!p.startsWith("/")) return `must be an absolute path (got ${JSON.stringify(p)})`;
  if (hasDotDot(p)) return `must not contain ".." segments (got ${JSON.stringify(p)})`;
  // BORELA_DATABASES and the dev.borela.databases label are comma-separated: in a snippet it would be two databases.
  if (p.includes(",")) return `must not contain a comma (got ${JSON.stringify(p)}): BORELA_DATABASES is comma-separated`;
  return null;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new Error("has a malformed %-escape");
  }
}

function checkEndpoint(raw: string): void {
  let e: URL;
  try {
    e = new URL(raw);
  } catch {
    throw new Error(`has endpoint=${JSON.stringify(raw)}, which is not a URL`);
  }
  if (e.protocol !== "http:" && e.protocol !== "https:") throw new Error(`has endpoint=${JSON.stringify(raw)}, which is not http(s)`);
  if (e.username || e.password) throw new Error("carries credentials in its endpoint; report it without them");
  if (e.search || e.hash) throw new Error("has an endpoint with a query or fragment");
}

/**
 * The replica URL in its WHATWG-serialised form (what `new URL(url).href` gives: unchanged for what our
 * agents send), or an Error whose message says why it is refused: not file:// or s3://, credentials
 * (`user:pass@`, anywhere), a query key other than REPLICA_URL_KEYS, a fragment, control characters,
 * ".." segments, a file:// URL with a host or query, an endpoint that is not a plain http(s) URL,
 * forcePathStyle that is not true/false/1/0.
 */
export function normaliseReplicaUrl(raw: string): string {
  if (CONTROL.test(raw)) throw new Error("holds a control character");
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error("is not a URL (expected file:///path or s3://bucket/path)");
  }
  if (u.protocol !== "file:" && u.protocol !== "s3:") throw new Error(`has scheme ${JSON.stringify(u.protocol.slice(0, -1))}; replicas are file:// or s3://`);
  if (u.username || u.password) throw new Error("carries credentials (user:pass@); report the URL without them");
  if (u.hash) throw new Error("has a fragment (#...)");
  const dir = decode(u.pathname);
  if (CONTROL.test(dir)) throw new Error("has a control character in its path");
  if (hasDotDot(dir)) throw new Error('has ".." segments in its path');
  if (u.protocol === "file:") {
    if (u.host) throw new Error("is a file:// URL with a host; write file:///absolute/path");
    if (u.search) throw new Error("is a file:// URL with a query");
    if (dir.replace(/\/+$/, "") === "") throw new Error("names no directory");
    return u.href;
  }
  if (!u.hostname) throw new Error("names no bucket");
  for (const [key, value] of u.searchParams) {
    if (!REPLICA_URL_KEYS.has(key)) throw new Error(`has query key ${JSON.stringify(key)}; only ${[...REPLICA_URL_KEYS].join(", ")} are allowed`);
    if (CONTROL.test(value)) throw new Error(`has a control character in ${key}`);
    if (key === "endpoint") checkEndpoint(value);
    if ((key === "forcePathStyle" || key === "force-path-style") && !["", "true", "false", "1", "0"].includes(value)) {
      throw new Error(`has ${key}=${JSON.stringify(value)}, which is not true or false`);
    }
  }
  return u.href;
}

/**
 * Null when no table name holds a control character (control.ts CONTROL); otherwise why not. Refused like
 * a database path, not marked: a name is an identifier the drill compares with the restored database's
 * tables, and "\u001b[2J" marked as "�[2J" would no longer be the table's name.
 */
export function tableNamesProblem(tableCounts: Record<string, number> | null | undefined): string | null {
  const bad = Object.keys(tableCounts ?? {}).find((name) => CONTROL.test(name));
  return bad === undefined ? null : `holds a table name with a control character (${quoted(bad)})`;
}

/**
 * Checks what the schema cannot say about a heartbeat that passed it (database paths, replica URLs, table
 * names) and returns it with every replica URL normalised. Throws ReportedValueError naming the first bad field.
 */
export function checkHeartbeat(payload: HeartbeatPayload): HeartbeatPayload {
  const named = new Map<string, number>();
  const databases = payload.databases.map((db, i) => {
    // The agent refuses two databases of one name; a report that has them is not one of its own.
    const first = named.get(db.name);
    if (first !== undefined) throw new ReportedValueError(`body/databases/${i}/name`, `${quoted(db.name)} is reported twice (also databases/${first}): each database needs its own name`);
    named.set(db.name, i);
    const pathProblem = databasePathProblem(db.path);
    if (pathProblem) throw new ReportedValueError(`body/databases/${i}/path`, pathProblem);
    const tablesProblem = tableNamesProblem(db.tableCounts);
    if (tablesProblem) throw new ReportedValueError(`body/databases/${i}/tableCounts`, tablesProblem);
    const replicas = db.replicas.map((r, j) => {
      try {
        return { ...r, url: normaliseReplicaUrl(r.url) };
      } catch (err) {
        throw new ReportedValueError(`body/databases/${i}/replicas/${j}/url`, (err as Error).message);
      }
    });
    return { ...db, replicas };
  });
  return { ...payload, databases };
}
