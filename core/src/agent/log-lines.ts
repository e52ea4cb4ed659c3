// Litestream's log lines read as findings: an error of one operation (sync,
// snapshot, upload, retention, storage auth), a success of one, a note, or a
// final-sync line (worded by shutdownFinding, which knows who stopped Litestream).
// The error board that keeps them is log-errors.ts.
//
//   classifyLogLine(line: string, version: "0.3" | "0.5" = "0.3"): LogFinding | null   pure
//   shutdownFinding(finding, agentStopping: boolean): LogFinding   a final-sync line: a note while the agent stops Litestream  pure
//   categorize(error: string): { category, summary }   pure
//
// Lines and counters as Litestream 0.3.13 prints and exposes them (run against fauxqs):
//   level=ERROR msg="sync error" db=/d/app.db error="cannot verify wal state: stat /d/app.db: no such file or directory"
//     (every monitor tick, ~1 s, while the file is gone; litestream_sync_error_count{db} rises with it)
//   level=ERROR msg="monitor error" db=… replica=s3 error="InvalidAccessKeyId: …"        a WAL segment upload
//   level=ERROR msg="snapshotter error" db=… replica=s3 error="…"                         a snapshot
//   level=ERROR msg="retainer error" db=… replica=s3 error="delete snapshots before index: delete snapshot
//     <generation>/00000000: deleting object x/generations/<generation>/snapshots/00000000.snapshot.lz4: AccessDenied - Access Denied"
//   level=INFO msg="wal segment written" | "snapshot written" | "snapshot deleted" | "wal segmented deleted before" db=… replica=…
//   level=WARN msg="init: cannot determine last wal position, clearing generation" db=… error="primary wal header: EOF"
// Litestream 0.5.16 (db=<file name>, checked against litestream-0.5 with a file replica under chattr +i):
//   level=ERROR msg="monitor error" system=store db=app.db replica=file error="write ltx file: open …/ltx/0/…ltx.tmp:
//     operation not permitted" consecutive_errors=1 backoff=1s      (rate-limited: then at 2, 4 … 32 s)
//   level=INFO msg="ltx file uploaded" db=app.db replica=file level=0 minTXID=… maxTXID=…   an upload succeeded
//   level=INFO msg="replica sync recovered" db=app.db replica=file previous_errors=6         the first sync after errors
//   level=INFO msg="snapshot complete" db=app.db txid=… size=… · "compaction complete" db=app.db level=1 …
//   level=WARN msg="shutdown sync failed, retrying (press Ctrl+C again to skip)" attempts=1 error="write ltx file: …"
//   level=ERROR msg="shutdown sync failed after timeout" attempts=… error=…  (db.go: the final sync on SIGTERM)
//   level=ERROR msg="compaction failed" db=app.db level=1 error="write ltx file: …: non-contiguous transaction ids in input files: …"
//   level=ERROR msg="retention enforcement failed" | "l0 retention enforcement failed" error=…   (store.go)
// 0.5 has no metric for a replica's position: its stored TXID (the newest LTX file's max TXID) is read from storage.
import { parseLogLine } from "../litestream/log-line.ts";
import { redactSecrets } from "./redact.ts";

export type ErrorCategory = "auth" | "denied" | "bucket" | "disk-full" | "locked" | "permission" | "missing" | "network" | "other";
export type Operation = "sync" | "snapshot" | "upload" | "retention" | "auth" | "other";
export type LitestreamVersionLine = "0.3" | "0.5";

export type LogFinding =
  | { kind: "error"; db: string | null; replica: string | null; op: Operation; category: ErrorCategory; message: string }
  /** replica null: Litestream 0.5 names no replica (one per database): every replica of the database. */
  | { kind: "ok"; db: string; replica: string | null; op: "upload" | "snapshot" | "retention" }
  | { kind: "note"; db: string | null; message: string }
  /** Litestream's final sync on SIGTERM failed (0.5): worded by shutdownFinding, which knows who stopped it. */
  | { kind: "shutdown"; db: string | null; detail: string; gaveUp: boolean };

const CATEGORIES: Array<[ErrorCategory, RegExp, string]> = [
  ["auth", /InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|TokenRefreshRequired|InvalidClientTokenId|NoCredentialProviders/i, "storage rejected the credentials"],
  ["denied", /AccessDenied|status code: 403/i, "storage denied access"],
  ["bucket", /NoSuchBucket/, "the bucket does not exist"],
  ["disk-full", /no space left on device|ENOSPC|database or disk is full/i, "disk full"],
  ["locked", /database is locked|SQLITE_BUSY/i, "database is locked"],
  ["permission", /permission denied|EACCES|operation not permitted|EPERM|read-only file system|EROFS|readonly database/i, "permission denied"],
  ["missing", /no such file or directory|ENOENT/i, "file missing"],
  ["network", /connection refused|no such host|i\/o timeout|connection reset|context deadline exceeded|dial tcp|RequestError: send request failed/i, "storage unreachable"],
];

export function categorize(error: string): { category: ErrorCategory; summary: string | null } {
  for (const [category, re, summary] of CATEGORIES) if (re.test(error)) return { category, summary };
  return { category: "other", summary: null };
}

/**
 * First line of a Go error, without AWS's request ids ("request id: X" of aws-sdk-go v1; "RequestID: X, HostID: Y"
 * of v2, which Litestream 0.5 uses): they change with every request, and an error's words must not while it lasts.
 */
function firstLine(error: string): string {
  return error
    .split("\n")[0]
    .replace(/,?\s*(request ?id|host ?id):\s*[^,\s)]+/gi, "")
    .trim();
}

/** Which operation a Litestream error line reports on, from its msg (and the error's first words). */
function operationOf(msg: string, error: string, replica: string | null): Operation {
  if (msg === "retainer error" || /retention enforcement failed$/.test(msg)) return "retention";
  if (msg === "snapshotter error" || /^snapshot/.test(error)) return "snapshot";
  if (msg === "sync error" && !replica) return "sync";
  if (msg === "monitor error" && replica) return "upload";
  return "other";
}

/** The words a person reads: what fails, what it means, then Litestream's own error in brackets. */
function wording(op: Operation, category: ErrorCategory, summary: string | null, detail: string, msg: string, version: LitestreamVersionLine): string {
  if (op === "retention") {
    if (category === "denied") return `deletes denied: retention is not running; storage grows (${detail})`;
    // Refused credentials refuse every write too: nothing grows, the upload's error says the rest.
    if (category === "auth") return `retention failed: ${summary} (${detail})`;
    const old = version === "0.5" ? "old LTX files are" : "old snapshots and WAL segments are";
    return `retention failed: ${old} not deleted; storage grows (${detail})`;
  }
  if (op === "auth") return `${summary} (${detail})`;
  if (op === "sync") {
    if (category === "missing") return `sync failed: the database file is missing (${detail})`;
    return `sync failed: ${summary ?? "Litestream cannot read the database"} (${detail})`;
  }
  if (op === "upload") return `${version === "0.5" ? "LTX file" : "WAL segment"} upload failed: ${summary ?? "storage error"} (${detail})`;
  if (op === "snapshot") return `snapshot failed: ${summary ?? "storage error"} (${detail})`;
  if (msg.startsWith("compaction failed")) return `LTX compaction${msg.slice("compaction failed".length)} failed: ${summary ?? "old LTX files are not merged into higher levels"} (${detail})`;
  return summary ? `${summary} (${detail})` : `litestream ${msg ? `${msg}: ` : ""}${detail}`;
}

const SUCCESS: Record<string, "upload" | "snapshot" | "retention"> = {
  "wal segment written": "upload",
  "snapshot written": "snapshot",
  "snapshot deleted": "retention",
  "wal segmented deleted before": "retention",
  // 0.5.16
  "ltx file uploaded": "upload",
  "replica sync recovered": "upload",
  "snapshot complete": "snapshot",
};

/** Litestream's hints for a person at its terminal, not for a dashboard. */
const stripHints = (msg: string) => msg.replace(/\s*\(press Ctrl\+C[^)]*\)/gi, "");

export function classifyLogLine(raw: string, version: LitestreamVersionLine = "0.3"): LogFinding | null {
  const line = parseLogLine(raw);
  if (!line) return null;
  const db = line.attrs.db ?? line.attrs.path ?? null;
  const replica = line.attrs.replica ?? null;
  const success = SUCCESS[line.msg];
  // 0.3 names the replica of every success; 0.5's snapshot line names none (one replica per database).
  if (success) return db && (replica || version === "0.5") ? { kind: "ok", db, replica, op: success } : null;
  if (/^shutdown sync (failed|interrupted|skipped)/.test(line.msg) || (line.msg === "failed to close database" && /shutdown sync/.test(line.attrs.error ?? ""))) {
    const error = line.attrs.error ? redactSecrets(firstLine(line.attrs.error)) : "";
    const gaveUp = !/retrying/.test(line.msg);
    const how = /interrupted|skipped/.test(line.msg) ? "was interrupted" : gaveUp ? "gave up" : "failed, retrying";
    return { kind: "shutdown", db, detail: error ? `${how}: ${error}` : how, gaveUp };
  }
  if (/clearing generation/.test(line.msg)) {
    const why = line.attrs.error ? ` (${redactSecrets(firstLine(line.attrs.error))})` : "";
    return { kind: "note", db, message: `Litestream started a new generation: it could not find its last WAL position${why}; a new snapshot is uploaded` };
  }
  const text = line.attrs.error ?? (line.level === "ERROR" || /panic|fatal/i.test(line.msg) ? line.msg : null);
  if (!text || (line.level !== "ERROR" && line.level !== "WARN" && !/panic|fatal/i.test(line.msg))) return null;
  // Litestream 0.3's file replica writes a segment to <name>.tmp, then renames it; when two syncs of the
  // same position overlap (at start and at the final sync), the second finds the .tmp gone. The next
  // sync writes the segment again: a note, not an error that would open an incident.
  if (/\.tmp: no such file or directory/.test(text)) {
    const what = version === "0.5" ? "an LTX file" : "a WAL segment";
    return { kind: "note", db, message: `Litestream raced itself writing ${what} (${redactSecrets(firstLine(text))}); the next sync writes it again` };
  }
  const { category, summary } = categorize(text);
  const detail = redactSecrets(firstLine(text));
  let op = operationOf(line.msg, text, replica);
  if (category === "auth" && replica && op !== "retention") op = "auth";
  const level = line.msg === "compaction failed" && line.attrs.level ? ` into level ${line.attrs.level}` : "";
  const msg = line.attrs.error ? `${stripHints(line.msg)}${level}` : "";
  return { kind: "error", db, replica, op, category, message: wording(op, category, summary, detail, msg, version) };
}

/**
 * Words a final-sync line for the dashboard. While the agent itself stops or restarts Litestream it is a
 * note (the next Litestream syncs what this one could not); otherwise an error of no operation, which
 * expires unless it recurs.
 */
export function shutdownFinding(finding: LogFinding, agentStopping: boolean): LogFinding {
  if (finding.kind !== "shutdown") return finding;
  if (agentStopping) return { kind: "note", db: finding.db, message: `Litestream's final sync before its restart ${finding.detail}` };
  const lost = finding.gaveUp ? "; changes since its last sync reach the replica only when Litestream runs again" : "";
  const { category } = categorize(finding.detail);
  return { kind: "error", db: finding.db, replica: null, op: "other", category, message: `Litestream's final sync before it stopped ${finding.detail}${lost}` };
}
