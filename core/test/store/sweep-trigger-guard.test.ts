// The sweep-deadline triggers clear Project.sweepAt only when it is set (20270114100000_ingest_writes), on
// both stores: a heartbeat's writes (its database, its replica, the project's last heartbeat, each firing a
// trigger) write the Project row once for the touch plus once for the first clear after a sweep, and only
// once when the deadline is already cleared. The unguarded triggers wrote it four times either way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { openPostgresStore } from "../../src/store/postgres-db.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const SWEPT = new Date("2030-01-01T00:00:00.000Z");

/** A counter of Project row updates, by a trigger of this test's own (AFTER UPDATE, each row). */
const COUNTER = {
  sqlite: [
    `CREATE TABLE "ProjectWrites" ("n" INTEGER)`,
    `CREATE TRIGGER "count_project_writes" AFTER UPDATE ON "Project" BEGIN INSERT INTO "ProjectWrites" VALUES (1); END`,
  ],
  postgres: [
    `CREATE TABLE "ProjectWrites" ("n" INTEGER)`,
    `CREATE FUNCTION "count_project_writes"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "ProjectWrites" VALUES (1); RETURN NULL; END $$`,
    `CREATE TRIGGER "count_project_writes" AFTER UPDATE ON "Project" FOR EACH ROW EXECUTE FUNCTION "count_project_writes"()`,
  ],
};

let cluster: PostgresCluster;
let tmp: TmpDir;
let stores: { name: "sqlite" | "postgres"; db: Store }[];

beforeAll(async () => {
  [cluster, tmp] = await Promise.all([startPostgres(), tmpDir("borela-trigger-guard-")]);
  const postgres = await openPostgresStore(await cluster.createDatabase("trigger_guard"));
  stores = [
    { name: "sqlite", db: await openStore(tmp.path) },
    { name: "postgres", db: postgres as unknown as Store },
  ];
  for (const { name, db } of stores) {
    for (const sql of COUNTER[name]) await db.$executeRawUnsafe(sql);
    await db.project.create({
      data: {
        id: "p", name: "p", drillSchedule: "0 3 * * 0", badgeKey: "b", storagePrefix: "projects/p",
        databases: { create: { id: "d", name: "app", path: "/app.db", replicas: { create: { id: "r", type: "file", url: "file:///r" } } } },
      },
    });
  }
}, 90_000);

afterAll(async () => {
  for (const s of stores ?? []) await s.db.$disconnect();
  await cluster?.stop();
  await tmp?.remove();
});

/** One heartbeat's writes in one transaction; returns how many times it wrote the Project row, and sweepAt after. */
async function heartbeat(db: Store, at: Date): Promise<{ writes: number; sweepAt: Date | null }> {
  const count = async () => Number(((await db.$queryRawUnsafe(`SELECT count(*) AS "n" FROM "ProjectWrites"`)) as { n: number | bigint }[])[0].n);
  const before = await count();
  await db.$transaction([
    db.database.update({ where: { id: "d" }, data: { lastHeartbeatAt: at, sizeBytes: at.getTime() } }),
    db.replica.update({ where: { id: "r" }, data: { position: JSON.stringify({ offset: at.getTime() }), lastSnapshotAt: at } }),
    db.project.update({ where: { id: "p" }, data: { lastHeartbeatAt: at } }),
  ]);
  const { sweepAt } = await db.project.findUniqueOrThrow({ where: { id: "p" }, select: { sweepAt: true } });
  return { writes: (await count()) - before, sweepAt };
}

describe("sweep-deadline triggers skip a cleared deadline, SQLite and PostgreSQL alike", () => {
  it("write the Project row for the touch, plus once to clear a deadline a sweep set", async () => {
    const seen: Record<string, unknown> = {};
    for (const { name, db } of stores) {
      await db.project.update({ where: { id: "p" }, data: { sweepAt: SWEPT } });
      const afterSweep = await heartbeat(db, new Date("2026-11-30T01:00:00.000Z"));
      const next = await heartbeat(db, new Date("2026-11-30T01:00:30.000Z"));
      seen[name] = { afterSweep, next };
    }
    const expected = { afterSweep: { writes: 2, sweepAt: null }, next: { writes: 1, sweepAt: null } };
    expect(seen).toEqual({ sqlite: expected, postgres: expected });
  });
});
