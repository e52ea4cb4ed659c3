// Heartbeat ingest on a migrated store, with every statement it runs counted through better-sqlite3's
// `verbose` hook (SQLite's trace: top-level statements, and the statements of the triggers they fire).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Sqlite from "better-sqlite3";
import { statSync } from "node:fs";
import { tempStore, type TestStore } from "../support/use-store.ts";
import { databaseFile } from "../../src/store/db.ts";
import { DatabaseLimitError, HeartbeatIngest } from "../../src/store/heartbeat-ingest.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";

let t: TestStore;
let db: Sqlite.Database;
let traced: string[];

beforeEach(async () => {
  t = await tempStore("borela-ingest-");
  await t.store.project.create({ data: { id: "p", name: "p", drillSchedule: "0 3 * * *", badgeKey: "b", storagePrefix: "x" } });
  traced = [];
  db = new Sqlite(databaseFile(t.dir.path), { verbose: (sql) => traced.push(String(sql)) });
  db.pragma("foreign_keys = ON");
  traced = [];
});
afterEach(async () => {
  db.close();
  await t.close();
});

function hb(names: string[], offset: number, sentAt = new Date()): HeartbeatPayload {
  return {
    agentVersion: "test",
    litestreamVersion: "v0.3.13",
    sentAt: sentAt.toISOString(),
    databases: names.map((name) => ({
      name,
      path: `/data/${name}.db`,
      exists: true,
      sizeBytes: 4096 + offset,
      walBytes: 0,
      position: { generation: "0123456789abcdef", index: 1, offset },
      replicas: [{ type: "s3", url: `s3://bucket/${name}`, generation: "0123456789abcdef", position: { generation: "0123456789abcdef", index: 1, offset }, pendingSince: null, lastSnapshotAt: null, lastWalAt: null, storageBytes: 0, lastError: null }],
      errors: [],
    })),
    errors: [],
  } as HeartbeatPayload;
}

/** Statements a heartbeat ran, BEGIN and COMMIT left out; trigger statements ("-- TRIGGER …" lines) included. */
async function statementsOf(ingest: HeartbeatIngest, payload: HeartbeatPayload, at: Date): Promise<string[]> {
  traced = [];
  await ingest.ingest("p", payload, at);
  return traced.filter((s) => !/^(BEGIN|COMMIT)/.test(s));
}

describe("heartbeat ingest", () => {
  it("writes a steady heartbeat (the databases and replicas the project has) without the miss update", async () => {
    const ingest = new HeartbeatIngest(db, { maxDatabasesPerProject: 10 });
    const first = Date.now() - 10_000;
    await statementsOf(ingest, hb(["app", "jobs"], 1, new Date(first)), new Date(first));
    const steady = await statementsOf(ingest, hb(["app", "jobs"], 2, new Date(first + 1000)), new Date(first + 1000));
    expect(steady.filter((s) => /missedHeartbeats = missedHeartbeats \+ 1/.test(s))).toEqual([]);
    // Heartbeat, names, per database (upsert, replica marks, replica upsert), the project's last heartbeat.
    expect(steady.filter((s) => !s.startsWith("--")).length).toBe(3 + 2 * 3);
    const rows = await t.store.database.findMany({ where: { projectId: "p" }, orderBy: { name: "asc" } });
    expect(rows.map((r) => [r.name, Number(r.sizeBytes), r.missedHeartbeats])).toEqual([["app", 4098, 0], ["jobs", 4098, 0]]);
  });

  it("counts a miss for a stored database the heartbeat leaves out, and only for it", async () => {
    const ingest = new HeartbeatIngest(db, { maxDatabasesPerProject: 10 });
    const first = Date.now() - 10_000;
    await ingest.ingest("p", hb(["app", "jobs"], 1, new Date(first)), new Date(first));
    await ingest.ingest("p", hb(["app"], 2, new Date(first + 1000)), new Date(first + 1000));
    await ingest.ingest("p", hb(["app"], 3, new Date(first + 2000)), new Date(first + 2000));
    const rows = await t.store.database.findMany({ where: { projectId: "p" }, orderBy: { name: "asc" } });
    expect(rows.map((r) => [r.name, r.missedHeartbeats])).toEqual([["app", 0], ["jobs", 2]]);
  });

  it("stores a database and a replica reported twice in one heartbeat once, the second report's values", async () => {
    const ingest = new HeartbeatIngest(db, { maxDatabasesPerProject: 10 });
    const at = new Date(Date.now() - 10_000);
    const payload = hb(["app"], 1, at);
    const again = hb(["app"], 7, at).databases[0];
    payload.databases[0].replicas.push({ ...again.replicas[0], storageBytes: 5 });
    payload.databases.push({ ...again, replicas: [again.replicas[0], { ...again.replicas[0], storageBytes: 9 }] });
    expect(await ingest.ingest("p", payload, at)).toEqual({ projectId: "p", duplicate: false, claimsMade: 0 });
    const rows = await t.store.database.findMany({ where: { projectId: "p" }, include: { replicas: true } });
    expect(rows.map((r) => [r.name, Number(r.sizeBytes), r.replicas.map((x) => Number(x.storageBytes))])).toEqual([["app", 4103, [9]]]);
  });

  it("refuses a heartbeat that would pass the database limit and stores nothing of it", async () => {
    const ingest = new HeartbeatIngest(db, { maxDatabasesPerProject: 2 });
    const first = Date.now() - 10_000;
    await ingest.ingest("p", hb(["app", "jobs"], 1, new Date(first)), new Date(first));
    const refused = ingest.ingest("p", hb(["app", "cache"], 2, new Date(first + 1000)), new Date(first + 1000));
    await expect(refused).rejects.toBeInstanceOf(DatabaseLimitError);
    await expect(refused).rejects.toMatchObject({ limit: 2, wouldHave: 3 });
    expect(await t.store.heartbeat.count({ where: { projectId: "p" } })).toBe(1);
    expect((await t.store.database.findMany({ where: { projectId: "p" } })).map((r) => r.name).sort()).toEqual(["app", "jobs"]);
  });
});

describe("heartbeat ingest writes", () => {
  /** Sets every project's sweep deadline, as a sweep does between heartbeats (which the next one clears). */
  function sweep(): void {
    db.prepare(`UPDATE Project SET sweepAt = ?`).run(new Date(Date.now() + 3_600_000).toISOString());
  }

  it("writes the Project row once per steady heartbeat, however many rows fire a sweep-deadline trigger", async () => {
    const ingest = new HeartbeatIngest(db, { maxDatabasesPerProject: 10 });
    const first = Date.now() - 10_000;
    await ingest.ingest("p", hb(["app", "jobs"], 1, new Date(first)), new Date(first));
    db.exec(`CREATE TEMP TABLE projectWrites (n INTEGER); CREATE TEMP TRIGGER countProjectWrites AFTER UPDATE ON main.Project BEGIN INSERT INTO projectWrites VALUES (1); END;`);
    const writes = () => (db.prepare(`SELECT count(*) AS n FROM projectWrites`).get() as { n: number }).n;
    for (let i = 1; i <= 3; i++) {
      sweep();
      const before = writes();
      await ingest.ingest("p", hb(["app", "jobs"], 1 + i, new Date(first + i * 1000)), new Date(first + i * 1000));
      // Two databases and two replicas each fire a trigger; the unguarded triggers wrote the row 6 times.
      expect(writes() - before).toBe(1);
      const row = db.prepare(`SELECT sweepAt, lastHeartbeatAt FROM Project WHERE id = 'p'`).get() as { sweepAt: string | null; lastHeartbeatAt: string };
      expect(row.sweepAt).toBeNull();
      expect(Date.parse(row.lastHeartbeatAt)).toBe(first + i * 1000);
    }
  });

  it("appends at most 8.5 WAL frames per steady heartbeat: one per b-tree it must change, and leaf splits", async () => {
    db.pragma("wal_autocheckpoint = 0");
    const ingest = new HeartbeatIngest(db, { maxDatabasesPerProject: 10 });
    const first = Date.now() - 100_000;
    await ingest.ingest("p", hb(["app"], 1, new Date(first)), new Date(first));
    const wal = () => statSync(databaseFile(t.dir.path) + "-wal").size;
    const frame = (db.pragma("page_size", { simple: true }) as number) + 24;
    let frames = 0;
    const N = 40;
    for (let i = 1; i <= N; i++) {
      sweep();
      const before = wal();
      await ingest.ingest("p", hb(["app"], 1 + i, new Date(first + i * 1000)), new Date(first + i * 1000));
      frames += (wal() - before) / frame;
    }
    // Heartbeat (table, id, (projectId, agentId, sequence), (projectId, receivedAt, bytes)), Database, Replica,
    // Project and its sweepAt index, plus a split now and then (8.325 measured); the duplicate
    // (projectId, receivedAt) index made it 9.325.
    expect(frames / N).toBeLessThanOrEqual(8.5);
    expect(frames / N).toBeGreaterThanOrEqual(7);
  });
});
