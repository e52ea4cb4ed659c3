// What a serving core runs beside the Prisma client, on the store it opened (store/open.ts): the heartbeat
// hot path (agent auth, ingest, the project list's order), the sweeper's store and the periodic jobs'
// leases. SQLite: one raw better-sqlite3 connection for the hot path and sweep (fast-path.ts) plus one for
// the leases (lease-sqlite.ts). PostgreSQL: one pg pool for the hot path and sweep (postgres/fast-path.ts),
// the leases through the Prisma client (several cores share the store; each claims with one upsert).
// On SQLite the WAL is checkpointed by a worker thread, not by the connections' commits (checkpointer.ts).
//
//   openCoreParts(opened, config, onCheckpointerLost?): CoreParts        opened: openConfiguredStore's; config: the core's
import type { Config } from "../config.ts";
import { databaseFile } from "./db.ts";
import { openFastPath } from "./fast-path.ts";
import type { AgentAuthPart, HeartbeatIngestPart, OrderReadsPart } from "./fast-path-types.ts";
import { LeaseStore } from "./lease.ts";
import { openSqliteLeases } from "./lease-sqlite.ts";
import { startCheckpointer, type CheckpointerOptions, type WalCheckpoints } from "./checkpointer.ts";
import type { OpenedStore } from "./open.ts";
import { openPostgresFastPath } from "./postgres/fast-path.ts";
import { postgresSweepStore } from "./postgres/sweep-store.ts";
import { sqliteSweepStore } from "./sqlite-sweep-store.ts";
import type { AsyncSweepStore } from "./sweep-store.ts";

export interface CoreParts {
  auth: AgentAuthPart;
  ingest: HeartbeatIngestPart;
  order: OrderReadsPart;
  /** The sweeper's store, the same contract on both stores. */
  sweep: AsyncSweepStore;
  leases: LeaseStore;
  /** SQLite: the checkpoint worker's state (checkpointer.ts); undefined on PostgreSQL. */
  walCheckpoints?: () => WalCheckpoints;
  /** Closes the connections these parts opened (not the Prisma client: OpenedStore.close). */
  close(): Promise<void>;
}

export function openCoreParts(opened: OpenedStore, config: Pick<Config, "dataDir" | "databaseUrl" | "maxDatabasesPerProject">, checkpointerEvents: Pick<CheckpointerOptions, "onLost" | "onBack"> = {}): CoreParts {
  const ingestOptions = { maxDatabasesPerProject: config.maxDatabasesPerProject };
  if (opened.kind === "postgresql" && config.databaseUrl) {
    const fast = openPostgresFastPath(config.databaseUrl, ingestOptions);
    return {
      auth: fast.auth,
      ingest: fast.ingest,
      order: fast.order,
      sweep: postgresSweepStore(fast.pool),
      leases: new LeaseStore(opened.store, "postgresql"),
      close: () => fast.close(),
    };
  }
  const file = databaseFile(config.dataDir);
  const fast = openFastPath(file, ingestOptions);
  const leases = openSqliteLeases(file);
  // A PRAGMA Prisma refuses leaves its connection on SQLite's own checkpoints: safe, only slower.
  const prismaAutocheckpoint = (pages: number) =>
    opened.store.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${pages}`).catch(() => undefined);
  const checkpointer = startCheckpointer(file, [fast.autocheckpoint, leases.autocheckpoint, prismaAutocheckpoint], checkpointerEvents);
  return {
    auth: fast.auth,
    ingest: fast.ingest,
    order: fast.order,
    sweep: sqliteSweepStore(fast.sweep),
    leases: leases.store,
    walCheckpoints: () => checkpointer.status(),
    async close() {
      await checkpointer.stop();
      leases.close();
      fast.close();
    },
  };
}
