// Issue 18: the drill scheduler read every project and parsed its cron on every 30 s tick (15-19 s of
// blocked event loop at 10,000 projects), and two ticks could overlap. Now each project keeps its
// deadlines (nextDrillAt, drillOverdueAt): a tick reads only the rows whose deadline passed, ticks run
// one after another, and SQL triggers clear a deadline whenever its inputs change, whoever writes them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { dueOverdueChecks, dueSchedules } from "../../src/drills/deadlines.ts";
import { nextFire } from "../../src/schedule/cron.ts";

const N = 300;
let core: TestCore;

beforeAll(async () => {
  core = await startTestCore({ BORELA_LOG_LEVEL: "warn" });
});
afterAll(async () => {
  await core?.close();
});

const pid = (i: number) => `dl-p${String(i).padStart(4, "0")}`;

describe("drill deadlines", () => {
  it("computes every project's deadlines once, then a tick reads no row until one is due", async () => {
    const { store } = core;
    await store.project.createMany({
      data: Array.from({ length: N }, (_, i) => ({ id: pid(i), name: `dl-${i}`, drillSchedule: `${i % 60} ${i % 24} * * ${i % 7}`, badgeKey: `dl-badge-${i}`, storagePrefix: `dl/${i}` })),
    });
    await store.database.createMany({ data: Array.from({ length: N }, (_, i) => ({ id: `dl-d${i}`, projectId: pid(i), name: "app", path: "/data/app.sqlite3" })) });
    const now = new Date();
    expect((await dueSchedules(store, now)).length).toBeGreaterThan(0);
    await core.app.drills.scheduleTick(now);
    expect(await dueSchedules(store, now)).toEqual([]);
    expect(await dueOverdueChecks(store, now)).toEqual([]);
    const rows = await store.project.findMany({ where: { id: { startsWith: "dl-p" } }, select: { drillSchedule: true, nextDrillAt: true, drillOverdueAt: true, createdAt: true } });
    expect(rows.length).toBe(N);
    for (const r of rows) {
      expect(r.nextDrillAt?.toISOString()).toBe(nextFire(r.drillSchedule, now).toISOString());
      // Weekly schedules, one day of grace, never drilled: overdue 8 days after creation.
      expect(r.drillOverdueAt!.getTime()).toBe(r.createdAt.getTime() + 8 * 86_400_000);
    }
    // A first look queues nothing.
    expect(await store.drill.count({ where: { projectId: { startsWith: "dl-p" } } })).toBe(0);
    // The list shows the stored next fire.
    const list = (await core.api("GET", "/api/v1/projects")).body as any[];
    const p5 = list.find((p) => p.id === pid(5));
    expect(p5.nextDrillAt).toBe(nextFire("5 5 * * 5", new Date()).toISOString());
  }, 60_000);

  it("queues one scheduled drill per fire even when ticks are called together (they run one after another)", async () => {
    const { store } = core;
    const p = await core.createProject("dl-overlap", { drillSchedule: "* * * * *" });
    await store.database.create({ data: { id: "dl-overlap-db", projectId: p.id, name: "app", path: "/data/app.sqlite3" } });
    const t0 = new Date();
    await core.app.drills.scheduleTick(t0);
    // Just past its next fire (every minute): the other projects' weekly fires mostly lie later.
    const later = new Date(t0.getTime() + 61_000);
    await Promise.all([core.app.drills.scheduleTick(later), core.app.drills.scheduleTick(later), core.app.drills.scheduleTick(later)]);
    expect(await store.drill.count({ where: { projectId: p.id, trigger: "schedule" } })).toBe(1);
  }, 60_000);

  it("clears the deadlines when their inputs change, through the API or straight in the store", async () => {
    const { store } = core;
    const id = pid(7);
    const before = await store.project.findUniqueOrThrow({ where: { id } });
    expect(before.nextDrillAt).not.toBeNull();
    const patched = await core.api("PATCH", `/api/v1/projects/${id}`, { body: { drillSchedule: "15 4 * * *" } });
    expect(patched.status).toBe(200);
    expect(patched.body.nextDrillAt).toBe(nextFire("15 4 * * *", new Date()).toISOString());
    expect(await store.project.findUniqueOrThrow({ where: { id } })).toMatchObject({ nextDrillAt: null, drillOverdueAt: null });
    await core.app.drills.scheduleTick();
    const after = await store.project.findUniqueOrThrow({ where: { id } });
    expect(after.nextDrillAt?.toISOString()).toBe(nextFire("15 4 * * *", new Date()).toISOString());

    // A passing drill moves the overdue deadline; deleting it and backdating the project makes it overdue now.
    await store.drill.create({ data: { id: "dl-pass", projectId: id, databaseId: "dl-d7", databaseName: "app", status: "passed", finishedAt: new Date(), trigger: "manual" } });
    expect((await store.project.findUniqueOrThrow({ where: { id } })).drillOverdueAt).toBeNull();
    await core.app.drills.scheduleTick();
    const passedDeadline = (await store.project.findUniqueOrThrow({ where: { id } })).drillOverdueAt!;
    expect(passedDeadline.getTime()).toBeGreaterThan(Date.now() + 86_400_000);
    await store.drill.deleteMany({ where: { id: "dl-pass" } });
    await store.project.update({ where: { id }, data: { createdAt: new Date(Date.now() - 3 * 86_400_000) } });
    await core.app.drills.scheduleTick();
    const open = await store.incident.findMany({ where: { projectId: id, kind: "drill_overdue", resolvedAt: null } });
    expect(open.map((i) => i.reason)).toEqual([expect.stringMatching(/^no passing drill since the project was created .* \(schedule "15 4 \* \* \*" plus 86400s grace\)$/)]);
    // Looked at again in an hour, not on every tick.
    expect((await store.project.findUniqueOrThrow({ where: { id } })).drillOverdueAt!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  }, 60_000);
});
