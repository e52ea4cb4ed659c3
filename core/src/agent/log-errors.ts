// Litestream's log lines and metrics turned into what a heartbeat reports: a
// replica's lastError, a database's errors and notes. One entry per condition:
// per database, replica and operation (sync, snapshot, upload, retention,
// storage auth). An entry is cleared only by evidence that the same operation
// works again, never by another operation succeeding, and its message stays as
// first worded while the condition lasts (a recurrence only moves lastSeen).
//
//   classifyLogLine(line: string, version: "0.3" | "0.5" = "0.3"): LogFinding | null   pure
//   shutdownFinding(finding, agentStopping: boolean): LogFinding   a final-sync line: a note while the agent stops Litestream  pure
//   applyReplicaTxids(board, txids: Map<replicaKey, TXID>): ErrorBoard   0.5: a replica's stored TXID advancing clears its upload errors  pure
//   applyFinding(board: ErrorBoard, finding: LogFinding, now: Date): ErrorBoard     pure
//   applyMetrics(board, metrics: MetricsView, replicaTypes: Map<replicaKey, type>): ErrorBoard  pure
//   restartBoard(board): ErrorBoard   a new Litestream process: keep what it retries only rarely  pure
//   currentErrors(board, now, maxAgeMs): { replicas, databases, notes }             pure
//   replicaKey(db: string, replica: string): string
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
// A successful sync logs nothing: litestream_sync_count{db} rising while
// litestream_sync_error_count{db} does not is the only sign of it. Deleting a
// whole old generation logs nothing either: litestream_replica_operation_total
// {replica_type,operation="DELETE"} rising (it counts successful deletes only) is.
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

/** First line of a Go error, without AWS's request ids. */
function firstLine(error: string): string {
  return error.split("\n")[0].replace(/,?\s*request id: \S+/gi, "").trim();
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
    if (category === "denied" || category === "auth") return `deletes denied: retention is not running; storage grows (${detail})`;
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

export function replicaKey(db: string, replica: string): string {
  return `${db}\u0000${replica}`;
}

export interface BoardEntry {
  db: string;
  replica: string | null;
  op: Operation;
  category: ErrorCategory;
  message: string;
  since: Date;
  lastSeen: Date;
  /** Retention: the replica type's DELETE count at the first metrics read after the last failure. */
  deleteBaseline?: number;
  /** 0.5 uploads: the replica's stored TXID at the first storage read after the last failure. */
  txidBaseline?: number;
}

export interface ErrorBoard {
  /** By entryKey(db, replica, op); "" as db holds errors that name no database (they apply to all). */
  entries: Map<string, BoardEntry>;
  /** The last sync counters seen per database (litestream_sync_count, litestream_sync_error_count). */
  syncCounts: Map<string, { count: number; errors: number }>;
  notes: Map<string, Array<{ message: string; at: Date }>>;
}

export const emptyBoard = (): ErrorBoard => ({ entries: new Map(), syncCounts: new Map(), notes: new Map() });

const entryKey = (db: string, replica: string | null, op: Operation) => `${db}\u0000${replica ?? ""}\u0000${op}`;

/** Categories that describe the storage as a whole: any write that reaches it proves them gone. */
const STORAGE_WIDE = new Set<ErrorCategory>(["auth", "bucket", "network"]);

/** Does a success of `op` on this replica show that the entry's condition is gone? */
export function clearedBy(entry: BoardEntry, db: string, replica: string | null, op: "upload" | "snapshot" | "retention"): boolean {
  if (entry.db !== db || entry.replica === null || (replica !== null && entry.replica !== replica)) return false;
  if (entry.op === op) return true;
  if (op === "retention" || entry.op === "retention") return false;
  return entry.op === "auth" || (STORAGE_WIDE.has(entry.category) && (entry.op === "upload" || entry.op === "snapshot"));
}

export function applyFinding(board: ErrorBoard, finding: LogFinding, now: Date): ErrorBoard {
  if (finding.kind === "shutdown") return applyFinding(board, shutdownFinding(finding, false), now);
  if (finding.kind === "note") {
    const notes = new Map(board.notes);
    const key = finding.db ?? "";
    const list = (notes.get(key) ?? []).filter((n) => n.message !== finding.message);
    notes.set(key, [...list, { message: finding.message, at: now }].slice(-5));
    return { ...board, notes };
  }
  const entries = new Map(board.entries);
  if (finding.kind === "ok") {
    for (const [k, e] of entries) if (clearedBy(e, finding.db, finding.replica, finding.op)) entries.delete(k);
    return { ...board, entries };
  }
  const db = finding.db ?? "";
  const key = entryKey(db, finding.replica, finding.op);
  const old = entries.get(key);
  // The same condition keeps its first wording: a recurrence must not look like a new error.
  if (old && old.category === finding.category) entries.set(key, { ...old, lastSeen: now, deleteBaseline: undefined, txidBaseline: undefined });
  else entries.set(key, { db, replica: finding.replica, op: finding.op, category: finding.category, message: finding.message, since: now, lastSeen: now });
  return { ...board, entries };
}

export interface MetricsView {
  databases: Map<string, { syncCount: number | null; syncErrorCount: number | null }>;
  /** Counts per "<replica_type>:<operation>", e.g. "s3:DELETE". */
  operations: Map<string, number>;
}

/**
 * Evidence from Litestream's counters. A database's sync error ends when its
 * sync count rose since the last read while its sync error count did not (at
 * least one sync succeeded, none failed). A replica's retention error ends when
 * successful DELETEs on its storage type rose since the read after its last
 * failure. Counters that went down belong to a new Litestream: a new baseline.
 */
export function applyMetrics(board: ErrorBoard, metrics: MetricsView, replicaTypes: Map<string, string>): ErrorBoard {
  const syncCounts = new Map(board.syncCounts);
  const entries = new Map(board.entries);
  for (const [db, m] of metrics.databases) {
    if (m.syncCount === null || m.syncErrorCount === null) continue;
    const prev = syncCounts.get(db);
    syncCounts.set(db, { count: m.syncCount, errors: m.syncErrorCount });
    if (!prev || m.syncCount < prev.count || m.syncErrorCount < prev.errors) continue;
    if (m.syncCount > prev.count && m.syncErrorCount === prev.errors) entries.delete(entryKey(db, null, "sync"));
  }
  for (const [k, e] of entries) {
    if (e.op !== "retention" || !e.replica) continue;
    const type = replicaTypes.get(replicaKey(e.db, e.replica));
    if (!type) continue;
    const deletes = metrics.operations.get(`${type}:DELETE`) ?? 0;
    if (e.deleteBaseline === undefined || deletes < e.deleteBaseline) entries.set(k, { ...e, deleteBaseline: deletes });
    else if (deletes > e.deleteBaseline) entries.delete(k);
  }
  return { ...board, entries, syncCounts };
}

/**
 * Litestream 0.5 logs a failing upload only now and then (1 s, then backoff up to 32 s) and a recovery once;
 * its replica's stored TXID (newest LTX file's max TXID, by replicaKey) moving past where it stood at the
 * first read after the failure proves uploads work again: that clears the replica's upload errors (and
 * auth or storage-wide ones, as an upload line would). The first read after a failure is the baseline.
 */
export function applyReplicaTxids(board: ErrorBoard, txids: Map<string, number>): ErrorBoard {
  let entries: Map<string, BoardEntry> | null = null;
  for (const [k, e] of board.entries) {
    if (!e.replica) continue;
    const txid = txids.get(replicaKey(e.db, e.replica));
    if (txid === undefined || !clearedBy(e, e.db, e.replica, "upload")) continue;
    entries ??= new Map(board.entries);
    if (e.txidBaseline === undefined || txid < e.txidBaseline) entries.set(k, { ...e, txidBaseline: txid });
    else if (txid > e.txidBaseline) entries.delete(k);
  }
  return entries ? { ...board, entries } : board;
}

/**
 * A new Litestream process retries sync, uploads and snapshots at once, so their
 * errors come back within a second if they persist; retention runs only every
 * retention-check-interval (an hour by default), so its error is kept.
 */
export function restartBoard(board: ErrorBoard): ErrorBoard {
  const entries = new Map([...board.entries].filter(([, e]) => e.op === "retention").map(([k, e]) => [k, { ...e, deleteBaseline: undefined }]));
  return { entries, syncCounts: new Map(), notes: board.notes };
}

const OP_ORDER: Operation[] = ["auth", "upload", "snapshot", "retention", "sync", "other"];

/**
 * Errors still worth reporting, and notes younger than an hour. Operation errors
 * stay until cleared (an idle database logs a failing upload once). Errors of no
 * operation (locked, disk full at checkpoint) expire after maxAgeMs without recurring.
 */
export function currentErrors(
  board: ErrorBoard,
  now: Date,
  maxAgeMs: number,
): { replicas: Map<string, string>; databases: Map<string, string[]>; notes: Map<string, string[]> } {
  const live = [...board.entries.values()]
    .filter((e) => e.op !== "other" || now.getTime() - e.lastSeen.getTime() <= maxAgeMs)
    .sort((a, b) => OP_ORDER.indexOf(a.op) - OP_ORDER.indexOf(b.op) || a.since.getTime() - b.since.getTime());
  const replicas = new Map<string, string>();
  const databases = new Map<string, string[]>();
  for (const e of live) {
    if (e.replica) {
      const k = replicaKey(e.db, e.replica);
      replicas.set(k, replicas.has(k) ? `${replicas.get(k)}; ${e.message}` : e.message);
    } else {
      databases.set(e.db, [...(databases.get(e.db) ?? []), e.message].slice(-10));
    }
  }
  const notes = new Map<string, string[]>();
  for (const [db, list] of board.notes) {
    const recent = list.filter((n) => now.getTime() - n.at.getTime() <= 3_600_000).map((n) => n.message);
    if (recent.length) notes.set(db, recent);
  }
  return { replicas, databases, notes };
}
