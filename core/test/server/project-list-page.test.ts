// Issue 18: the project list for thousands of projects. 1,200 projects made through the store; the paged
// list (limit, cursor, status, q) comes worst first with a summary of every project, walks every project
// exactly once, and an unchanged poll costs a 304 (If-None-Match).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait-for.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { urgency } from "../../src/server/project-order.ts";

const N = 1_200;
let core: TestCore;

const pid = (i: number) => `page-p${String(i).padStart(5, "0")}`;
const dbid = (i: number) => `page-d${String(i).padStart(5, "0")}`;
// Every 7th project silent, every 11th stale, every 13th in error, the rest fresh.
const statusOf = (i: number) => (i % 7 === 0 ? "silent" : i % 11 === 0 ? "stale" : i % 13 === 0 ? "error" : "fresh");
const FAILED = [5, 50, 500]; // a failed last drill beside a fresh backup (5 % 7, 11, 13 are not 0)
const FAILED_IN_ORDER = [50, 500, 5].map(pid); // blog-0050, blog-0500, Shop-0005: names case-insensitive

beforeAll(async () => {
  // The sweeper stays out of the way: the statuses below are written as they are (a sweep would
  // re-judge these projects, which have no heartbeat, mid-test).
  core = await startTestCore({ BORELA_LOG_LEVEL: "warn", BORELA_SWEEP_INTERVAL_SECONDS: "3600" });
  const { store } = core;
  // The start's own writes (the first sweep and its mark, the leases) go first: a Prisma transaction that
  // reads before it writes fails at once (SQLITE_BUSY) when another connection commits in between.
  await waitFor(async () => ((await core.api("GET", "/healthz?details=true", { token: null })).body.details?.sweep?.lastSweepAt ? true : null), { timeoutMs: 20_000, what: "the start's first sweep" });
  const ids = Array.from({ length: N }, (_, i) => i);
  await store.project.createMany({
    data: ids.map((i) => ({
      id: pid(i),
      // Mixed case: the order is case-insensitive.
      name: `${i % 2 ? "Shop" : "blog"}-${String(i).padStart(4, "0")}`,
      status: statusOf(i),
      drillSchedule: "0 3 * * 0",
      badgeKey: `page-badge-${i}`,
      storagePrefix: `page/${i}`,
    })),
  });
  await store.database.createMany({ data: ids.map((i) => ({ id: dbid(i), projectId: pid(i), name: "app", path: "/data/app.sqlite3" })) });
  const at = new Date(Date.now() - 60_000);
  await store.drill.createMany({
    data: FAILED.map((i) => ({ id: `page-drill-${i}`, projectId: pid(i), databaseId: dbid(i), databaseName: "app", status: "failed", startedAt: at, finishedAt: at, report: "{}" })),
  });
  // The drill scheduler stores each project's next drill once; done now, its first tick cannot change the
  // list between the two reads of the ETag test (which would rightly answer 200).
  await core.app.drills.scheduleTick();
}, 60_000);
afterAll(async () => {
  await core?.close();
});

type Page = { projects: { id: string; name: string; status: string; drillStatus: string }[]; nextCursor: string | null; matched: number; summary: any };
const get = async (query: string, headers: Record<string, string> = {}) => core.api<Page>("GET", `/api/v1/projects?${query}`, { headers });

describe("GET /api/v1/projects at 1,200 projects, paged", () => {
  it("walks every project exactly once, worst first, with a summary of all of them", async () => {
    const seen: Page["projects"] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const res = await get(`limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
      expect(res.body.projects.length).toBeLessThanOrEqual(100);
      expect(res.body.matched).toBe(N);
      seen.push(...res.body.projects);
      cursor = res.body.nextCursor;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect(seen.length).toBe(N);
    expect(new Set(seen.map((p) => p.id)).size).toBe(N);
    // Worst first: silent, error, a failed drill beside a fresh backup, stale, then fresh; by name within each.
    const ranks = seen.map((p) => urgency(p));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(seen[0]!.status).toBe("silent");
    expect(seen.slice(-1)[0]!.status).toBe("fresh");
    const firstFresh = seen.findIndex((p) => p.status === "fresh" && p.drillStatus === "none");
    expect(seen.slice(firstFresh - 3, firstFresh).every((p) => p.status === "stale")).toBe(true);
    const failedAt = seen.findIndex((p) => p.drillStatus === "failed");
    expect(seen[failedAt - 1]!.status).toBe("error");
    expect(seen.slice(failedAt, failedAt + 3).map((p) => p.id)).toEqual(FAILED_IN_ORDER);
    const silent = seen.filter((p) => p.status === "silent").map((p) => p.name.toLowerCase());
    expect(silent).toEqual([...silent].sort());

    const expected = { silent: 0, stale: 0, error: 0, fresh: 0, unknown: 0 } as Record<string, number>;
    for (let i = 0; i < N; i++) expected[statusOf(i)]!++;
    const { summary } = (await get("limit=1")).body;
    expect(summary).toEqual({ total: N, statuses: expected, drillStatuses: { failed: 3, overdue: 0, none: N - 3, passed: 0 } });
  }, 60_000);

  it("filters by status (freshness or drill) and by name, with the summary still counting every project", async () => {
    const silent = (await get("limit=500&status=silent")).body;
    expect(silent.matched).toBe(Math.floor((N - 1) / 7) + 1);
    expect(silent.projects.every((p) => p.status === "silent")).toBe(true);
    expect(silent.summary.total).toBe(N);

    const failing = (await get("limit=500&status=failed,error")).body;
    expect(failing.projects.map((p) => p.drillStatus === "failed" || p.status === "error").every(Boolean)).toBe(true);
    expect(failing.projects.filter((p) => p.drillStatus === "failed").map((p) => p.id)).toEqual(FAILED_IN_ORDER);

    const named = (await get("limit=50&q=SHOP-00")).body; // Shop-0001 … Shop-0099, odd numbers: 50
    expect(named.matched).toBe(50);
    expect(named.projects.length).toBe(50);
    expect(named.nextCursor).toBeNull();
    expect(named.projects.every((p) => /^Shop-00\d\d$/.test(p.name))).toBe(true);

    // The plain array (what the CLI and older callers read) takes the same filters.
    const plain = (await core.api("GET", "/api/v1/projects?q=shop-00&status=silent")).body as Page["projects"];
    expect(Array.isArray(plain)).toBe(true);
    expect(plain.map((p) => p.name)).toEqual(named.projects.filter((p) => p.status === "silent").map((p) => p.name));
  }, 60_000);

  it("answers an unchanged poll with 304 and a changed one with the new page", async () => {
    const first = await get("limit=100");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    const again = await get("limit=100", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    // A silent project turns fresh: it leaves the first page, and the ETag changes.
    const moved = first.body.projects[0]!;
    await core.store.project.update({ where: { id: moved.id }, data: { status: "fresh" } });
    const changed = await get("limit=100", { "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(changed.body.projects.map((p) => p.id)).not.toContain(moved.id);
    expect(changed.body.summary.statuses.silent).toBe(first.body.summary.statuses.silent - 1);
    await core.store.project.update({ where: { id: moved.id }, data: { status: "silent" } });
    // The plain array has an ETag too.
    const plain = await core.api("GET", "/api/v1/projects");
    expect((await core.api("GET", "/api/v1/projects", { headers: { "if-none-match": plain.headers.get("etag")! } })).status).toBe(304);
  }, 60_000);

  it("refuses a bad cursor, status or limit with a 400 naming the field", async () => {
    const cursor = await get("limit=10&cursor=bm90LWEtY3Vyc29y");
    expect(cursor.status).toBe(400);
    expect((cursor.body as any).message).toMatch(/cursor/);
    const status = await get("limit=10&status=green");
    expect(status.status).toBe(400);
    expect((status.body as any).message).toMatch(/status/);
    const limit = await get("limit=5000");
    expect(limit.status).toBe(400);
    expect((limit.body as any).message).toMatch(/limit/);
  });

  it("serves a page of 100 fast at 1,200 projects", async () => {
    const times: number[] = [];
    const first = await get("limit=100");
    const second = first.body.nextCursor!;
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      const res = await get(`limit=100${i % 2 ? `&cursor=${encodeURIComponent(second)}` : ""}`);
      times.push(performance.now() - t0);
      expect(res.status).toBe(200);
    }
    times.sort((a, b) => a - b);
    const p50 = times[19]!;
    const p95 = times[37]!;
    const bytes = JSON.stringify(first.body).length;
    console.log(`GET /api/v1/projects?limit=100 at ${N} projects (${bytes} bytes): p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    // Generous for a shared 2-core machine; the figure is in the log line.
    expect(p95).toBeLessThan(1000);
  }, 60_000);
});
