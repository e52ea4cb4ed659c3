// Issue 18: GET /api/v1/projects answered HTTP 500 from 995 projects on: the last-drill queries bound
// every project id in one IN list, past SQLite's bound-parameter limit. 1,050 projects, made through
// the store (not 1,050 HTTP calls), must list with 200 and each project's own drillStatus.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import type { DrillStatus } from "../../src/generated/prisma/enums.ts";

const N = 1_050;
let core: TestCore;

beforeAll(async () => {
  core = await startTestCore({ BORELA_LOG_LEVEL: "warn" });
});
afterAll(async () => {
  await core?.close();
});

const pid = (i: number) => `scale-p${String(i).padStart(5, "0")}`;
const dbid = (i: number) => `scale-d${String(i).padStart(5, "0")}`;

describe("the project list at 1,000+ projects", () => {
  it("answers 200 with every project and the right drillStatus for each kind of drill history", async () => {
    const { store } = core;
    const ids = Array.from({ length: N }, (_, i) => i);
    await store.project.createMany({
      data: ids.map((i) => ({ id: pid(i), name: `scale-${i}`, drillSchedule: "0 3 * * 0", badgeKey: `badge-${i}`, storagePrefix: `scale/${i}` })),
    });
    await store.database.createMany({ data: ids.map((i) => ({ id: dbid(i), projectId: pid(i), name: "app", path: "/data/app.sqlite3" })) });
    const t = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    const drill = (id: string, i: number, status: DrillStatus, finishedMinutesAgo: number) => ({
      id,
      projectId: pid(i),
      databaseId: dbid(i),
      databaseName: "app",
      status,
      startedAt: t(finishedMinutesAgo + 1),
      finishedAt: t(finishedMinutesAgo),
      report: JSON.stringify({ restoreSeconds: 1.5, rpoSeconds: 2, tables: { items: 3 } }),
    });
    await store.drill.createMany({
      data: [
        drill("d-passed", 7, "passed", 10),
        drill("d-failed", 500, "failed", 10),
        // The newest drill decides: failed then passed is passed, passed then error is failed.
        drill("d-old-failed", 998, "failed", 60),
        drill("d-new-passed", 998, "passed", 5),
        drill("d-old-passed", N - 1, "passed", 60),
        drill("d-new-error", N - 1, "error", 5),
      ],
    });
    await store.incident.create({ data: { id: "i-overdue", projectId: pid(996), kind: "drill_overdue", reason: "no passing drill" } });

    const res = await core.api("GET", "/api/v1/projects");
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    const list = res.body as any[];
    expect(list.length).toBe(N);
    const byId = new Map(list.map((p) => [p.id, p]));
    expect(byId.get(pid(7))).toMatchObject({ drillStatus: "passed", lastDrill: { id: "d-passed", status: "passed", database: "app", restoreSeconds: 1.5, rpoSeconds: 2 } });
    expect(byId.get(pid(500))).toMatchObject({ drillStatus: "failed", lastDrill: { id: "d-failed", status: "failed" } });
    expect(byId.get(pid(998))).toMatchObject({ drillStatus: "passed", lastDrill: { id: "d-new-passed" } });
    expect(byId.get(pid(N - 1))).toMatchObject({ drillStatus: "failed", lastDrill: { id: "d-new-error", status: "error" } });
    expect(byId.get(pid(996))).toMatchObject({ drillStatus: "overdue", lastDrill: null });
    expect(byId.get(pid(0))).toMatchObject({ drillStatus: "none", lastDrill: null });
    expect(typeof byId.get(pid(7)).lastDrill.finishedAt).toBe("string");
    expect(Date.parse(byId.get(pid(0)).nextDrillAt)).toBeGreaterThan(Date.now());

    // The detail reads one project's drills alike.
    const detail = (await core.api("GET", `/api/v1/projects/${pid(N - 1)}`)).body;
    expect(detail).toMatchObject({ drillStatus: "failed", lastDrill: { id: "d-new-error" }, databases: [{ lastDrill: { id: "d-new-error", status: "error" } }] });

    const p50 = async () => {
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        expect((await core.api("GET", "/api/v1/projects")).status).toBe(200);
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b)[7].toFixed(1);
    };
    // Projects made through the store have no stored nextDrillAt until a scheduler tick: the list reads each cron.
    const cronRead = await p50();
    await core.app.drills.scheduleTick();
    const stored = await p50();
    const after = (await core.api("GET", "/api/v1/projects")).body as any[];
    expect(after.find((p) => p.id === pid(0)).nextDrillAt).toBe(byId.get(pid(0)).nextDrillAt);
    console.log(`GET /api/v1/projects at ${N} projects (${JSON.stringify(res.body).length} bytes): p50 ${cronRead} ms reading each cron, ${stored} ms with nextDrillAt stored`);
  }, 60_000);
});
