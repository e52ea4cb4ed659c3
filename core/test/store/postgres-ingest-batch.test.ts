// Issue 20: heartbeat ingest on PostgreSQL is batched. 200 heartbeats arriving together commit in a
// handful of transactions (counted by the server: rows one transaction inserted share its xmin), and
// none is acknowledged before its transaction committed: a deferred trigger holds every COMMIT on an
// advisory lock the test holds, and while it does, no ingest has resolved and no row is visible. A
// heartbeat whose COMMIT fails is refused alone; the others of its batch are written and acknowledged.
// Two cores (two pools) ingesting the same projects at once, in opposite orders, both get everything written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres-db.ts";
import { openPostgresFastPath, type PostgresFastPath } from "../../src/store/postgres/fast-path.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { sleep, waitFor } from "../support/wait-for.ts";

const HOLD_KEY = 2020;
const PROJECTS = 50;

let cluster: PostgresCluster;
let prisma: PostgresStore;
let fast: PostgresFastPath;
let observer: pg.Client;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase("ingest_batch");
  prisma = await openPostgresStore(url);
  fast = openPostgresFastPath(url, { maxDatabasesPerProject: 4, maxConnections: 4 });
  observer = new pg.Client({ connectionString: url });
  await observer.connect();
  await prisma.project.createMany({
    data: Array.from({ length: PROJECTS }, (_, i) => ({ id: `p${i}`, name: `p${i}`, drillSchedule: "0 3 * * 0", badgeKey: `b${i}`, storagePrefix: `s/${i}` })),
  });
  // Fires at COMMIT: waits while the test holds HOLD_KEY; fails the COMMIT of a heartbeat from agent "poison".
  await observer.query(`CREATE FUNCTION hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock_shared(${HOLD_KEY});
      IF NEW."agentId" = 'poison' THEN RAISE EXCEPTION 'poisoned heartbeat'; END IF;
      RETURN NULL;
    END $$`);
  await observer.query(`CREATE CONSTRAINT TRIGGER hold_commit AFTER INSERT ON "Heartbeat" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hold_commit()`);
}, 90_000);
afterAll(async () => {
  await observer?.end();
  await fast?.close();
  await prisma?.$disconnect();
  await cluster?.stop();
});

function heartbeat(sequence: number, agentId = "agent"): HeartbeatPayload {
  const sentAt = new Date(Date.UTC(2026, 10, 29, 12, 0, sequence)).toISOString();
  return {
    agentVersion: "1.0.0",
    sentAt,
    sequence,
    agentId,
    errors: [],
    databases: [{ name: "app", path: "/data/app.sqlite3", exists: true, position: null, errors: [], replicas: [{ type: "file", url: `file:///r/${sequence % 3}` }] }],
  };
}

const visible = async (where = "") => Number((await observer.query(`SELECT count(*) AS n FROM "Heartbeat" ${where}`)).rows[0].n);

describe("heartbeat ingest on PostgreSQL, batched", () => {
  it("commits 200 concurrent heartbeats in far fewer transactions, each acknowledged only after its commit", async () => {
    await observer.query(`SELECT pg_advisory_lock(${HOLD_KEY})`);
    const commitsBefore = fast.ingest.commits;
    const acknowledged: number[] = [];
    const pending: Promise<unknown>[] = [];
    // Four waves, a tick apart: 50 projects, one heartbeat each per wave.
    for (let wave = 0; wave < 4; wave++) {
      for (let p = 0; p < PROJECTS; p++) {
        const n = wave * PROJECTS + p;
        pending.push(fast.ingest.ingest(`p${p}`, heartbeat(wave + 1), new Date(Date.UTC(2026, 10, 29, 12, 0, 30))).then(() => acknowledged.push(n)));
      }
      await new Promise((r) => setImmediate(r));
    }
    // The first batch reached its COMMIT and waits there; nothing is acknowledged or visible meanwhile.
    await waitFor(async () => (await observer.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).rowCount! > 0, {
      timeoutMs: 10_000,
      what: "a COMMIT waiting on the held lock",
    });
    await sleep(300);
    expect(acknowledged).toEqual([]);
    expect(await visible()).toBe(0);

    await observer.query(`SELECT pg_advisory_unlock(${HOLD_KEY})`);
    await Promise.all(pending);
    expect(acknowledged.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(await visible()).toBe(200);
    const { rows } = await observer.query(`SELECT count(DISTINCT xmin::text) AS n FROM "Heartbeat"`);
    const transactions = Number(rows[0].n);
    expect(transactions).toBe(fast.ingest.commits - commitsBefore);
    expect(transactions).toBeLessThanOrEqual(10);
    // Each project's four heartbeats applied in order: the database holds the last one's report.
    const { rows: dbs } = await observer.query(`SELECT count(*) AS n FROM "Database" WHERE "lastHeartbeatAt" = $1::timestamp(3)`, [new Date(Date.UTC(2026, 10, 29, 12, 0, 4)).toISOString()]);
    expect(Number(dbs[0].n)).toBe(PROJECTS);
  }, 60_000);

  it("refuses alone a heartbeat whose COMMIT fails; its batch's others are written and acknowledged", async () => {
    const results = await Promise.allSettled(
      [0, 1, 2, 3].map((p) => fast.ingest.ingest(`p${p}`, heartbeat(10, p === 2 ? "poison" : "agent"), new Date(Date.UTC(2026, 10, 29, 12, 1, 0)))),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/poisoned heartbeat/);
    expect(await visible(`WHERE sequence = 10`)).toBe(3);
    expect(await visible(`WHERE sequence = 10 AND "projectId" = 'p2'`)).toBe(0);
  }, 30_000);

  it("two cores ingesting the same projects at once, in opposite orders, write every heartbeat and keep the newest report", async () => {
    const other = openPostgresFastPath(cluster.url("ingest_batch"), { maxDatabasesPerProject: 4, maxConnections: 4 });
    try {
      const ids = Array.from({ length: PROJECTS }, (_, p) => `p${p}`);
      const pending: Promise<unknown>[] = [];
      for (let wave = 0; wave < 5; wave++) {
        const second = 20 + wave;
        for (const id of ids) pending.push(fast.ingest.ingest(id, heartbeat(second, "core-a"), new Date(Date.UTC(2026, 10, 29, 12, 1, 0))));
        for (const id of [...ids].reverse()) pending.push(other.ingest.ingest(id, heartbeat(second, "core-b"), new Date(Date.UTC(2026, 10, 29, 12, 1, 0))));
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(pending);
      expect(await visible(`WHERE "agentId" IN ('core-a', 'core-b')`)).toBe(2 * 5 * PROJECTS);
      const { rows } = await observer.query(`SELECT count(*) AS n FROM "Database" WHERE "lastHeartbeatAt" = $1::timestamp(3) AND "missedHeartbeats" = 0`, [
        new Date(Date.UTC(2026, 10, 29, 12, 0, 24)).toISOString(),
      ]);
      expect(Number(rows[0].n)).toBe(PROJECTS);
    } finally {
      await other.close();
    }
  }, 60_000);
});
