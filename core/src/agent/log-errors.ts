// Litestream's findings (log-lines.ts) and metrics turned into what a heartbeat reports: a
// replica's lastError, a database's errors and notes. One entry per condition:
// per database, replica and operation (sync, snapshot, upload, retention,
// storage auth). An entry is cleared only by evidence that the same operation
// works again, never by another operation succeeding, and its message stays as
// first worded while the condition lasts (a recurrence only moves lastSeen).
//
//   applyFinding(board: ErrorBoard, finding: LogFinding, now: Date): ErrorBoard     pure
//   applyMetrics(board, metrics: MetricsView, replicaTypes: Map<replicaKey, type>): ErrorBoard  pure
//   applyReplicaTxids(board, txids: Map<replicaKey, TXID>): ErrorBoard   0.5: a replica's stored TXID advancing clears its upload errors  pure
//   restartBoard(board): ErrorBoard   a new Litestream process: keep what it retries only rarely  pure
//   currentErrors(board, now, maxAgeMs): { replicas, databases, notes }             pure
//   replicaKey(db: string, replica: string): string
//
// A successful sync logs nothing: litestream_sync_count{db} rising while
// litestream_sync_error_count{db} does not is the only sign of it. Deleting a
// whole old generation logs nothing either: litestream_replica_operation_total
// {replica_type,operation="DELETE"} rising (it counts successful deletes only) is.
import { shutdownFinding, type ErrorCategory, type LogFinding, type Operation } from "./log-lines.ts";

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
