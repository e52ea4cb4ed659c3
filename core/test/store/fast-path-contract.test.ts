// Issue 20: the heartbeat hot path (agent auth, heartbeat ingest, the list's order reads) behaves alike on
// SQLite (store/fast-path.ts) and PostgreSQL (store/postgres/fast-path.ts): the same calls pass the same
// expectations on each (fast-path-contract.ts) and leave the same rows, read back through each store's Prisma.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/db.ts";
import { databaseFile } from "../../src/store/db.ts";
import { openFastPath } from "../../src/store/fast-path.ts";
import { openPostgresStore } from "../../src/store/postgres-db.ts";
import { openPostgresFastPath } from "../../src/store/postgres/fast-path.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tempStore } from "../support/use-store.ts";
import { CONTRACT_MAX_DATABASES, fastPathContract } from "./fast-path-contract.ts";

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgres();
}, 90_000);
afterAll(async () => {
  await cluster?.stop();
});

async function onSqlite(): Promise<unknown> {
  const db = await tempStore("borela-fast-contract-");
  const fast = openFastPath(databaseFile(db.dir.path), { maxDatabasesPerProject: CONTRACT_MAX_DATABASES });
  try {
    return await fastPathContract({ auth: fast.auth, ingest: fast.ingest, order: fast.order, prisma: db.store });
  } finally {
    fast.close();
    await db.close();
  }
}

async function onPostgres(name: string): Promise<unknown> {
  const url = await cluster.createDatabase(name);
  const prisma = await openPostgresStore(url);
  const fast = openPostgresFastPath(url, { maxDatabasesPerProject: CONTRACT_MAX_DATABASES, maxConnections: 4 });
  try {
    return await fastPathContract({ auth: fast.auth, ingest: fast.ingest, order: fast.order, prisma: prisma as unknown as Store });
  } finally {
    await fast.close();
    await prisma.$disconnect();
  }
}

describe("the heartbeat hot path on both stores", () => {
  it("passes the contract on SQLite and on PostgreSQL and leaves the same rows", async () => {
    const sqlite = await onSqlite();
    const postgres = await onPostgres("fast_contract");
    expect(postgres).toEqual(sqlite);
    expect((sqlite as { heartbeats: unknown[] }).heartbeats).toHaveLength(8);
  }, 60_000);
});
