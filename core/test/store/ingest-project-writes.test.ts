// Issue 20 (e): a heartbeat after a sweep writes its project's row once on both stores. The sweep leaves a
// deadline (Project.sweepAt); the heartbeat's project touch clears it in the same UPDATE that stores
// lastHeartbeatAt, and the sweep-deadline triggers of the Database and Replica rows then find it cleared
// and write nothing. PostgreSQL's ingest ran the Database upsert first, whose trigger wrote the Project
// row to clear sweepAt, then its touch wrote it again: two row versions per heartbeat after every sweep.
// Counted by a test trigger on the Project row (every row UPDATE, trigger-made ones included).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/db.ts";
import { databaseFile } from "../../src/store/db.ts";
import { openFastPath } from "../../src/store/fast-path.ts";
import { openPostgresStore } from "../../src/store/postgres-db.ts";
import { openPostgresFastPath } from "../../src/store/postgres/fast-path.ts";
import type { HeartbeatIngestPart } from "../../src/store/fast-path-types.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tempStore } from "../support/use-store.ts";

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const t = (s: number) => new Date(T0 + s * 1000);
const pos = (txid: number) => ({ generation: null, index: 0, offset: txid, txid });

function heartbeat(s: number, sequence: number): HeartbeatPayload {
  return {
    agentVersion: "1.0.0",
    sentAt: t(s).toISOString(),
    sequence,
    agentId: "agent-1",
    errors: [],
    databases: [
      {
        name: "app",
        path: "/data/app.sqlite3",
        exists: true,
        sizeBytes: 4096,
        walBytes: 100 + sequence,
        position: pos(10 + sequence),
        replicas: [{ type: "file", url: "file:///backups/app", position: pos(10 + sequence), storageBytes: 10, lastSnapshotAt: t(-3600).toISOString() }],
        errors: [],
      },
    ],
  };
}

/** Two heartbeats, each after a sweep left a deadline: the Project row writes each caused. */
async function writesPerHeartbeat(prisma: Store, ingest: HeartbeatIngestPart, count: () => Promise<number>): Promise<number[]> {
  await prisma.project.create({ data: { id: "p1", name: "p1", drillSchedule: "0 3 * * 0", badgeKey: "b-p1", storagePrefix: "p/p1" } });
  const writes: number[] = [];
  for (const [i, s] of [10, 20].entries()) {
    await prisma.project.update({ where: { id: "p1" }, data: { sweepAt: t(s + 3600) } }); // a sweep's deadline
    const before = await count();
    await ingest.ingest("p1", heartbeat(s, i), t(s));
    writes.push((await count()) - before);
    const p = await prisma.project.findUniqueOrThrow({ where: { id: "p1" } });
    expect(p.sweepAt).toBeNull();
    expect(p.lastHeartbeatAt).toEqual(t(s));
  }
  return writes;
}

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgres();
}, 90_000);
afterAll(async () => {
  await cluster?.stop();
});

describe("a heartbeat after a sweep", () => {
  it("writes its Project row once on SQLite (first report and later ones)", async () => {
    const db = await tempStore("borela-ingest-writes-");
    const fast = openFastPath(databaseFile(db.dir.path), { maxDatabasesPerProject: 4 });
    try {
      await db.store.$executeRawUnsafe(`CREATE TABLE "ProjectWrites" (n INTEGER NOT NULL)`);
      await db.store.$executeRawUnsafe(`INSERT INTO "ProjectWrites" (n) VALUES (0)`);
      await db.store.$executeRawUnsafe(`CREATE TRIGGER "Project_count_writes" AFTER UPDATE ON "Project" BEGIN UPDATE "ProjectWrites" SET n = n + 1; END`);
      const count = async () => Number((await db.store.$queryRawUnsafe<{ n: number }[]>(`SELECT n FROM "ProjectWrites"`))[0].n);
      expect(await writesPerHeartbeat(db.store, fast.ingest, count)).toEqual([1, 1]);
    } finally {
      fast.close();
      await db.close();
    }
  }, 60_000);

  it("writes its Project row once on PostgreSQL (first report and later ones)", async () => {
    const url = await cluster.createDatabase("ingest_writes");
    const prisma = await openPostgresStore(url);
    const fast = openPostgresFastPath(url, { maxDatabasesPerProject: 4, maxConnections: 2 });
    try {
      await prisma.$executeRawUnsafe(`CREATE TABLE "ProjectWrites" (n int NOT NULL)`);
      await prisma.$executeRawUnsafe(`INSERT INTO "ProjectWrites" (n) VALUES (0)`);
      await prisma.$executeRawUnsafe(`CREATE FUNCTION "Project_count_writes"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "ProjectWrites" SET n = n + 1; RETURN NULL; END $$`);
      await prisma.$executeRawUnsafe(`CREATE TRIGGER "Project_count_writes" AFTER UPDATE ON "Project" FOR EACH ROW EXECUTE FUNCTION "Project_count_writes"()`);
      const count = async () => Number((await prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT n FROM "ProjectWrites"`))[0].n);
      expect(await writesPerHeartbeat(prisma as unknown as Store, fast.ingest, count)).toEqual([1, 1]);
    } finally {
      await fast.close();
      await prisma.$disconnect();
    }
  }, 60_000);
});
