// The SQLite sweep store behind the async contract (sqlite-sweep-store.ts): while another connection
// holds the write lock (Prisma's, or a peer core's), a batch waits on timers and then commits; the
// event loop keeps running meanwhile; a batch whose decision throws stores nothing of the batch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Sqlite from "better-sqlite3";
import { databaseFile } from "../../src/store/db.ts";
import { openFastPath, type FastPath } from "../../src/store/fast-path.ts";
import { sqliteSweepStore } from "../../src/store/sqlite-sweep-store.ts";
import type { SweepPlan } from "../../src/store/sweep-store.ts";
import { tempStore, type TestStore } from "../support/use-store.ts";

const T0 = new Date("2026-11-29T12:00:00.000Z");
const plan = (deadline: Date): SweepPlan => ({ incidents: [], project: { status: "silent", reasons: '["quiet"]', since: T0 }, databases: [], deadline });

let db: TestStore;
let fast: FastPath;

beforeAll(async () => {
  db = await tempStore("borela-sqlite-sweep-");
  fast = openFastPath(databaseFile(db.dir.path), { maxDatabasesPerProject: 4 });
  for (const id of ["a", "b"]) {
    await db.store.project.create({ data: { id, name: id, drillSchedule: "0 3 * * 0", badgeKey: `${id}-badge`, storagePrefix: `projects/${id}` } });
  }
});
afterAll(async () => {
  fast?.close();
  await db?.close();
});

describe("sqliteSweepStore", () => {
  it("a batch waits out another connection's write lock on timers, then commits", async () => {
    const other = new Sqlite(databaseFile(db.dir.path));
    other.prepare("BEGIN IMMEDIATE").run();
    try {
      const batch = sqliteSweepStore(fast.sweep).batch(["a"], T0, () => ({ plan: plan(new Date("2026-11-29T13:00:00.000Z")), result: "done" }));
      let settled = false;
      void batch.finally(() => (settled = true)).catch(() => {});
      // This timer firing while the batch is pending is the proof of no busy wait (one would hold the loop).
      await new Promise((r) => setTimeout(r, 120));
      expect(settled).toBe(false);
      other.prepare("COMMIT").run();
      expect(await batch).toEqual(new Map([["a", "done"]]));
    } finally {
      other.close();
    }
    expect(await db.store.project.findUniqueOrThrow({ where: { id: "a" }, select: { status: true, statusSince: true, sweepAt: true } })).toEqual({
      status: "silent",
      statusSince: T0,
      sweepAt: new Date("2026-11-29T13:00:00.000Z"),
    });
  });

  it("a decision that throws rejects the batch and stores nothing of it", async () => {
    const before = await db.store.project.findMany({ where: { id: { in: ["a", "b"] } }, orderBy: { id: "asc" } });
    const failing = sqliteSweepStore(fast.sweep).batch(["b", "a"], T0, (input) => {
      if (input.project.id === "a") throw new Error("no verdict");
      return { plan: plan(T0), result: null };
    });
    await expect(failing).rejects.toThrow("no verdict");
    expect(await db.store.project.findMany({ where: { id: { in: ["a", "b"] } }, orderBy: { id: "asc" } })).toEqual(before);
  });
});
