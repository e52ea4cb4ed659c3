// Litestream's log lines turned into what a heartbeat reports: a replica's
// lastError, a database's errors. A line that shows a replica working again
// ("wal segment written", "snapshot written") clears them.
//
//   classifyLogLine(line: string): LogFinding | null                          pure
//   applyFinding(board: ErrorBoard, finding: LogFinding, now: Date): ErrorBoard  pure
//   currentErrors(board, now, maxAgeMs): { replicas: Map<key, message>, databases: Map<db, message[]> }   pure
//   replicaKey(db: string, replica: string): string
import { parseLogLine } from "../litestream/log-line.ts";
import { redactSecrets } from "./redact.ts";

export type ErrorCategory = "auth" | "bucket" | "disk-full" | "locked" | "permission" | "network" | "other";

export type LogFinding =
  | { kind: "error"; db: string | null; replica: string | null; category: ErrorCategory; message: string }
  | { kind: "ok"; db: string; replica: string };

const CATEGORIES: Array<[ErrorCategory, RegExp, string]> = [
  ["auth", /InvalidAccessKeyId|AccessDenied|SignatureDoesNotMatch|ExpiredToken|InvalidToken|TokenRefreshRequired|InvalidClientTokenId|NoCredentialProviders|status code: 403/i, "storage rejected the credentials"],
  ["bucket", /NoSuchBucket/, "the bucket does not exist"],
  ["disk-full", /no space left on device|ENOSPC|database or disk is full/i, "disk full"],
  ["locked", /database is locked|SQLITE_BUSY/i, "database is locked"],
  ["permission", /permission denied|EACCES|read-only file system|EROFS|readonly database/i, "permission denied"],
  ["network", /connection refused|no such host|i\/o timeout|connection reset|context deadline exceeded|dial tcp|RequestError: send request failed/i, "storage unreachable"],
];

export function categorize(error: string): { category: ErrorCategory; summary: string | null } {
  for (const [category, re, summary] of CATEGORIES) if (re.test(error)) return { category, summary };
  return { category: "other", summary: null };
}

/** First line of a Go error, without AWS's request ids. */
function firstLine(error: string): string {
  return error.split("\n")[0].replace(/,?\s*request id: \S+/gi, "").trim();
}

export function classifyLogLine(raw: string): LogFinding | null {
  const line = parseLogLine(raw);
  if (!line) return null;
  const db = line.attrs.db ?? line.attrs.path ?? null;
  const replica = line.attrs.replica ?? null;
  if ((line.msg === "wal segment written" || line.msg === "snapshot written") && db && replica) {
    return { kind: "ok", db, replica };
  }
  const text = line.attrs.error ?? (line.level === "ERROR" || /panic|fatal/i.test(line.msg) ? line.msg : null);
  if (!text || (line.level !== "ERROR" && line.level !== "WARN" && !/panic|fatal/i.test(line.msg))) return null;
  const { category, summary } = categorize(text);
  const detail = redactSecrets(firstLine(text));
  const context = line.attrs.error && line.msg ? `${line.msg}: ` : "";
  return { kind: "error", db, replica, category, message: summary ? `${summary} (${detail})` : `litestream ${context}${detail}` };
}

export function replicaKey(db: string, replica: string): string {
  return `${db}\u0000${replica}`;
}

export interface BoardEntry {
  message: string;
  category: ErrorCategory;
  at: Date;
}

export interface ErrorBoard {
  replicas: Map<string, BoardEntry>;
  /** Database-level errors by path; "" holds errors that name no database (they apply to all). */
  databases: Map<string, BoardEntry[]>;
}

export const emptyBoard = (): ErrorBoard => ({ replicas: new Map(), databases: new Map() });

export function applyFinding(board: ErrorBoard, finding: LogFinding, now: Date): ErrorBoard {
  const replicas = new Map(board.replicas);
  const databases = new Map(board.databases);
  if (finding.kind === "ok") {
    replicas.delete(replicaKey(finding.db, finding.replica));
    databases.delete(finding.db);
    databases.delete("");
    return { replicas, databases };
  }
  const entry = { message: finding.message, category: finding.category, at: now };
  if (finding.db && finding.replica) {
    replicas.set(replicaKey(finding.db, finding.replica), entry);
  } else {
    const key = finding.db ?? "";
    const list = (databases.get(key) ?? []).filter((e) => e.message !== entry.message);
    databases.set(key, [...list, entry].slice(-10));
  }
  return { replicas, databases };
}

/**
 * Errors still worth reporting. A replica error stays until a success line clears
 * it: Litestream retries a failing sync only when the database changes, so an idle
 * database logs its failure once. Database errors (locked, disk full) expire after
 * maxAgeMs without recurring.
 */
export function currentErrors(board: ErrorBoard, now: Date, maxAgeMs: number): { replicas: Map<string, string>; databases: Map<string, string[]> } {
  const fresh = (e: BoardEntry) => now.getTime() - e.at.getTime() <= maxAgeMs;
  const replicas = new Map([...board.replicas].map(([k, e]) => [k, e.message]));
  const databases = new Map(
    [...board.databases].map(([k, list]) => [k, list.filter(fresh).map((e) => e.message)] as const).filter(([, l]) => l.length > 0),
  );
  return { replicas, databases };
}
