// Issue 18: the project list keeps its order between polls and rebuilds it when, and only when, something it is
// computed from changes: a status, a drill status (a finished drill, an open drill incident, a retired
// database), a name, a project added or removed. Writes go through Prisma (another connection, as the API
// and the CLI write) and through the fast connection's raw SQL (as the sweeper writes), each within the same
// millisecond as the order was read, where a max(updatedAt) stamp would miss it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Sqlite from "better-sqlite3";
import { databaseFile } from "../../src/store/db.ts";
import { OrderReads } from "../../src/store/order-reads.ts";
import { createProjectOrder, type ProjectOrder } from "../../src/server/project-order-cache.ts";
import { tempStore, type TestStore } from "../support/use-store.ts";

let db: TestStore;
let fast: Sqlite.Database;
let order: ProjectOrder;

const ALL = { limit: 100, cursor: null, status: [] as string[], q: null };
const ids = async () => (await order.page(ALL)).ids;
const project = (id: string, name: string, status: string) => ({ id, name, status: status as "fresh", drillSchedule: "0 3 * * 0", badgeKey: `b-${id}`, storagePrefix: `p/${id}` });

beforeEach(async () => {
  db = await tempStore("borela-order-");
  await db.store.project.createMany({ data: [project("a", "alpha", "fresh"), project("b", "bravo", "fresh"), project("c", "charlie", "fresh")] });
  await db.store.database.createMany({ data: ["a", "b", "c"].map((p) => ({ id: `d-${p}`, projectId: p, name: "app", path: "/data/app.sqlite3" })) });
  fast = new Sqlite(databaseFile(db.dir.path));
  order = createProjectOrder(new OrderReads(fast));
});
afterEach(async () => {
  fast.close();
  await db.close();
});

describe("the project list's kept order", () => {
  it("is read once for polls of an unchanged store, heartbeats included", async () => {
    expect(await ids()).toEqual(["a", "b", "c"]);
    expect((await order.page({ ...ALL, q: "ra" })).ids).toEqual(["b"]);
    // A heartbeat touches the project and database rows, not what the order reads.
    fast.prepare(`UPDATE Project SET lastHeartbeatAt = ? WHERE id = 'b'`).run(new Date().toISOString());
    fast.prepare(`UPDATE Database SET lastHeartbeatAt = ?, walBytes = 7 WHERE id = 'd-b'`).run(new Date().toISOString());
    for (let i = 0; i < 5; i++) expect(await ids()).toEqual(["a", "b", "c"]);
    expect(order.rebuilds).toBe(1);
  });

  it("rebuilds on a status change written by Prisma or by raw SQL, with the summary counts", async () => {
    expect(await ids()).toEqual(["a", "b", "c"]);
    // Prisma stamps updatedAt itself: pin it to the newest one, as two writes in one millisecond leave it.
    const same = (await db.store.project.findUniqueOrThrow({ where: { id: "a" } })).updatedAt;
    await db.store.project.update({ where: { id: "c" }, data: { status: "silent", updatedAt: same } });
    expect(await ids()).toEqual(["c", "a", "b"]);
    expect((await order.page(ALL)).summary.statuses).toMatchObject({ silent: 1, fresh: 2 });
    fast.prepare(`UPDATE Project SET status = 'fresh' WHERE id = 'c'`).run();
    fast.prepare(`UPDATE Project SET status = 'error' WHERE id = 'b'`).run();
    expect(await ids()).toEqual(["b", "a", "c"]);
    expect((await order.page({ ...ALL, status: ["error"] })).ids).toEqual(["b"]);
    expect((await order.page(ALL)).summary.statuses).toMatchObject({ error: 1, fresh: 2, silent: 0 });
  });

  it("rebuilds on a rename, a project added or removed", async () => {
    expect(await ids()).toEqual(["a", "b", "c"]);
    fast.prepare(`UPDATE Project SET name = 'zulu' WHERE id = 'a'`).run();
    expect(await ids()).toEqual(["b", "c", "a"]);
    await db.store.project.delete({ where: { id: "c" } });
    expect(await ids()).toEqual(["b", "a"]);
    // The same name and status under a new id, in the rowid the removed project had.
    await db.store.project.create({ data: project("c2", "charlie", "fresh") });
    expect(await ids()).toEqual(["b", "c2", "a"]);
    expect((await order.page(ALL)).summary.total).toBe(3);
  });

  it("rebuilds on a drill status change: a finished drill, an open drill incident, a retired database", async () => {
    expect((await order.page(ALL)).summary.drillStatuses).toMatchObject({ none: 3 });
    const at = new Date();
    await db.store.drill.create({ data: { id: "dr1", projectId: "c", databaseId: "d-c", databaseName: "app", status: "running", startedAt: at } });
    expect(order.rebuilds).toBe(1);
    expect(await ids()).toEqual(["a", "b", "c"]); // a running drill changes nothing
    await db.store.drill.update({ where: { id: "dr1" }, data: { status: "failed", finishedAt: at } });
    expect(await ids()).toEqual(["c", "a", "b"]);
    expect((await order.page(ALL)).summary.drillStatuses).toMatchObject({ failed: 1, none: 2 });
    // The same drill marked passed (its finishedAt unchanged): the status-weighted sum moves.
    fast.prepare(`UPDATE Drill SET status = 'passed' WHERE id = 'dr1'`).run();
    expect((await order.page(ALL)).summary.drillStatuses).toMatchObject({ passed: 1, none: 2 });
    await db.store.incident.create({ data: { id: "i1", projectId: "b", kind: "drill_overdue", reason: "overdue" } });
    expect(await ids()).toEqual(["b", "a", "c"]);
    await db.store.incident.update({ where: { id: "i1" }, data: { resolvedAt: new Date() } });
    expect(await ids()).toEqual(["a", "b", "c"]);
    // Retiring c's database drops its drill out: c is never drilled again.
    await db.store.database.delete({ where: { id: "d-c" } });
    expect((await order.page(ALL)).summary.drillStatuses).toMatchObject({ none: 3 });
  });
});
