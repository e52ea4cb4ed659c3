// The heartbeat hot path's raw better-sqlite3 connection, beside Prisma's on
// the same file, and the three things that use it: agent auth, heartbeat
// ingest, the sweeper's reads and writes, and the project list's order.
import Sqlite from "better-sqlite3";
import { WAL_SIZE_LIMIT_BYTES } from "./db.ts";
import { AgentAuth } from "./agent-auth.ts";
import { HeartbeatIngest, type HeartbeatIngestOptions } from "./heartbeat-ingest.ts";
import { SweepReads } from "./sweep-reads.ts";
import { SweepWrites } from "./sweep-writes.ts";
import { IncidentSweepWrites } from "../incidents/sweep-sql.ts";
import { SIGHT_KEY, SweepMark } from "./sweep-mark.ts";
import { OrderReads } from "./order-reads.ts";

/** What the freshness sweeper reads and writes, on the fast connection. */
export interface SweepStore {
  reads: SweepReads;
  writes: SweepWrites;
  incidents: IncidentSweepWrites;
  /** When a sweep last completed, this process's or a peer's (sweep-mark.ts). */
  mark: SweepMark;
  /** When the watcher last regained sight (sight-text.ts text under SIGHT_KEY). */
  sight: SweepMark;
}

export interface FastPath {
  auth: AgentAuth;
  ingest: HeartbeatIngest;
  sweep: SweepStore;
  /** What the project list's order reads (server/project-order-cache.ts). */
  order: OrderReads;
  /** Sets the connection's wal_autocheckpoint (pages; 0: none, the checkpointer's worker does them: checkpointer.ts). */
  autocheckpoint(pages: number): void;
  close(): void;
}

/** `file`: the core's SQLite database (db.ts databaseFile), already migrated by openStore. */
export function openFastPath(file: string, options: HeartbeatIngestOptions): FastPath {
  const db = new Sqlite(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  // No busy wait: a synchronous wait here would block the event loop while a
  // Prisma transaction on the same file waits for that loop to commit.
  db.pragma("busy_timeout = 0");
  db.pragma("foreign_keys = ON");
  const auth = new AgentAuth(db);
  return { auth, ingest: new HeartbeatIngest(db, options), sweep: { reads: new SweepReads(db), writes: new SweepWrites(db), incidents: new IncidentSweepWrites(db), mark: new SweepMark(db), sight: new SweepMark(db, SIGHT_KEY) }, order: new OrderReads(db), autocheckpoint: (pages) => db.pragma(`wal_autocheckpoint = ${pages}`), close: () => db.close() };
}
