// Issue 20: one sweeper serves both stores. The real sweeper (freshness/sweeper.ts) over the PostgreSQL
// sweep store (store/postgres/sweep-store.ts) on the private test cluster: an agent gone quiet past its
// grace turns its project silent with one incident and one outbox row, a second sweep changes nothing, and
// the next heartbeat's on-demand evaluation turns it fresh and resolves the incident once. A peer core on
// its own pool reads the completed sweep's mark.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { asStore, openPostgresStore, type PostgresStore } from "../../src/store/postgres-db.ts";
import { openPool } from "../../src/store/postgres/pool.ts";
import { postgresSweepStore } from "../../src/store/postgres/sweep-store.ts";
import type { AsyncSweepStore } from "../../src/store/sweep-store.ts";
import { createSweeper } from "../../src/freshness/sweeper.ts";
import type { Log } from "../../src/logger.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { at, rows, seedProject } from "../support/sweep-rows.ts";

const errors: unknown[] = [];
const logger = { info() {}, warn: (obj: object) => void errors.push(obj), error: (obj: object) => void errors.push(obj) } as unknown as Log;
// Before every agent was last heard: no startup grace excuses the silence.
const startedAt = at(-3600);

let cluster: PostgresCluster;
let db: PostgresStore;
let pools: pg.Pool[] = [];
let stores: AsyncSweepStore[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase("sweeper");
  db = await openPostgresStore(url);
  pools = [0, 1].map(() => openPool(url, 4));
  stores = pools.map((pool) => postgresSweepStore(pool));
}, 90_000);

afterAll(async () => {
  for (const p of pools) await p.end();
  await db?.$disconnect();
  await cluster?.stop();
});

/** seedProject's project, its second database given a replica too (without one it is in error, never fresh). */
async function seed(id: string, heardAt: Date): Promise<void> {
  await seedProject(asStore(db), id, heardAt);
  const position = JSON.stringify({ generation: "g1", index: 3, offset: 4096 });
  await db.replica.create({ data: { id: `${id}-Br`, databaseId: `${id}-B`, type: "file", url: "file:///backups/B", position, lastSnapshotAt: heardAt, updatedAt: heardAt } });
}

describe("the sweeper on PostgreSQL", () => {
  it("a silent agent's project turns silent with one incident, stays so, and is fresh again after its next heartbeat", async () => {
    await seed("quiet", at(-600));
    await seed("heard", new Date());
    const sweeper = createSweeper(stores[0], 3600, logger, () => 0, startedAt);
    const changes: string[] = [];
    const completed: Date[] = [];
    sweeper.onStatusChange((id, status, previous) => changes.push(`${id}:${previous}->${status}`));
    sweeper.onSweepCompleted((t) => completed.push(t));

    const before = new Date();
    await sweeper.tick();
    expect(errors).toEqual([]);
    expect(changes.sort()).toEqual(["heard:unknown->fresh", "quiet:unknown->silent"]);
    let r = await rows(asStore(db), ["quiet", "heard"]);
    expect(r.projects.map((p) => [p.id, p.status])).toEqual([
      ["heard", "fresh"],
      ["quiet", "silent"],
    ]);
    expect(r.incidents.map((i) => [i.projectId, i.kind, i.resolvedAt])).toEqual([["quiet", "silent", null]]);
    expect(r.transitions.map((t) => [t.projectId, t.event])).toEqual([["quiet", "opened"]]);
    // The sweep's mark is stored: a peer core reads it.
    expect(completed).toHaveLength(1);
    expect(completed[0].getTime()).toBeGreaterThanOrEqual(before.getTime());
    const peer = createSweeper(stores[1], 3600, logger, () => 0, new Date());
    expect(await peer.lastCompletedAt()).toEqual(completed[0]);
    expect(await sweeper.lastCompletedAt()).toEqual(completed[0]);

    // Every deadline lies ahead: a second sweep evaluates nothing and writes nothing.
    expect(await stores[0].reads.due(new Date())).toEqual([]);
    await sweeper.tick();
    expect(await rows(asStore(db), ["quiet", "heard"])).toEqual(r);
    expect(changes).toHaveLength(2);
    expect(completed).toHaveLength(2);

    // The agent is heard again (as the ingest writes it): on-demand evaluation, as after a heartbeat.
    const heard = new Date();
    await db.project.update({ where: { id: "quiet" }, data: { lastHeartbeatAt: heard } });
    await db.database.updateMany({ where: { projectId: "quiet" }, data: { lastHeartbeatAt: heard } });
    sweeper.evaluate("quiet");
    await sweeper.idle();
    expect(errors).toEqual([]);
    expect(changes.slice(2)).toEqual(["quiet:silent->fresh"]);
    r = await rows(asStore(db), ["quiet"]);
    expect(r.projects[0]).toMatchObject({ status: "fresh" });
    expect(r.incidents).toHaveLength(1);
    expect(r.incidents[0].resolvedAt).not.toBeNull();
    expect(r.transitions.map((t) => t.event).sort()).toEqual(["opened", "resolved"]);
    expect(await stores[0].reads.due(new Date())).toEqual([]);
  }, 60_000);
});
