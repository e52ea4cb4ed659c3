// The heartbeat hot path on PostgreSQL: one pg pool and the three parts that use it (agent auth,
// heartbeat ingest, the project list's order), the counterparts of store/fast-path.ts's. The sweep
// parts (SweepStore) are composed by the caller onto the same `pool` (store/core-parts.ts).
//
//   openPostgresFastPath(url, options): PostgresFastPath
//     url: postgresql://user[:password]@host:port/database[?connection_limit=N], already migrated (postgres-db.ts openPostgresStore)
//     options.maxConnections: the pool's size (default: the URL's connection_limit, else 5; connection-limit.ts)
//   Connecting is lazy: a bad URL or a server down fails the first query, with pg's error (no URL in it).
import type pg from "pg";
import type { HeartbeatIngestOptions } from "../heartbeat-ingest.ts";
import { PostgresAgentAuth } from "./agent-auth.ts";
import { PostgresHeartbeatIngest } from "./heartbeat-ingest.ts";
import { PostgresOrderReads } from "./order-reads.ts";
import { openPool } from "./pool.ts";
import { connectionLimit } from "./connection-limit.ts";

export interface PostgresFastPathOptions extends HeartbeatIngestOptions {
  maxConnections?: number;
}

export interface PostgresFastPath {
  auth: PostgresAgentAuth;
  ingest: PostgresHeartbeatIngest;
  /** What the project list's order reads (server/project-order-cache.ts). */
  order: PostgresOrderReads;
  /** The connections the parts share, for the parts composed beside them (the sweep's). */
  pool: pg.Pool;
  /** Ends the pool once its queries finished. */
  close(): Promise<void>;
}

export function openPostgresFastPath(url: string, options: PostgresFastPathOptions): PostgresFastPath {
  const limit = connectionLimit(url);
  const pool = openPool(limit.url, options.maxConnections ?? limit.limit);
  return {
    auth: new PostgresAgentAuth(pool),
    ingest: new PostgresHeartbeatIngest(pool, options),
    order: new PostgresOrderReads(pool),
    pool,
    close: () => pool.end(),
  };
}
