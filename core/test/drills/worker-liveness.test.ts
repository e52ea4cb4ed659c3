// Drill worker liveness and takeover: what /healthz shows of workers (pure), how long a worker handed
// another's drill waits (pure), the beat on a real store (lease row, status file, let go at stop), and a
// reclaim that must not undo a worker's fresh claim.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { claimDrill, claimOrTakeOver, claimRetryMs, reclaimExpired, renewLease } from "../../src/drills/leases.ts";
import { startWorkerBeat, type WorkerStatus } from "../../src/drills/worker-beat.ts";
import { drillWorkersHealth, parseWorkerId } from "../../src/drills/worker-seen.ts";
import { createLogger } from "../../src/logger.ts";
import type { Store } from "../../src/store/db.ts";
import { LeaseStore } from "../../src/store/lease.ts";
import type { LeaseRow } from "../../src/store/lease-terms.ts";
import { useTempStores } from "../support/use-store.ts";
import { waitFor } from "../support/wait-for.ts";

const now = new Date("2026-06-01T12:00:00.000Z");
const at = (ms: number) => new Date(now.getTime() + ms);
const lease = (name: string, untilMs: number, renewedMs = -1_000): LeaseRow => ({
  name,
  holder: name.replace(/^worker:/, ""),
  until: at(untilMs),
  acquiredAt: at(-60_000),
  renewedAt: at(renewedMs),
  lastRunAt: null,
  lastRunBy: null,
  runs: 0,
});

describe("drillWorkersHealth", () => {
  it("lists workers whose liveness lease runs past now, with host, pid and running drills; other leases and gone workers are left out", () => {
    const rows = [lease("sweep", 5_000), lease("worker:b-host:42", 2_000), lease("worker:a-host:7", 0, -3_000), lease("worker:gone:9", -1)];
    const h = drillWorkersHealth(rows, new Map([["b-host:42", 2], ["gone:9", 1]]), 0, now);
    expect(h.workers).toEqual([
      { id: "a-host:7", host: "a-host", pid: 7, lastSeenAt: at(-3_000).toISOString(), drillsRunning: 0 },
      { id: "b-host:42", host: "b-host", pid: 42, lastSeenAt: at(-1_000).toISOString(), drillsRunning: 2 },
    ]);
    expect(h.problem).toBeNull();
  });

  it("says so when drills are queued and no worker is seen; nothing queued is no problem", () => {
    expect(drillWorkersHealth([lease("worker:gone:9", -1)], new Map(), 3, now).problem).toMatch(/^3 drills queued and no drill worker seen/);
    expect(drillWorkersHealth([], new Map(), 0, now).problem).toBeNull();
    // Redis down: the problem names it, not a missing worker (s26 tester), seen workers or not.
    for (const leases of [[], [lease("worker:h:1", 1)]]) {
      expect(drillWorkersHealth(leases, new Map(), 2, now, "connect ECONNREFUSED 127.0.0.1:6379").problem).toBe("2 drills queued and Redis cannot be reached (connect ECONNREFUSED 127.0.0.1:6379): no worker can take them until it answers");
    }
    expect(drillWorkersHealth([], new Map(), 0, now, "down").problem).toBeNull();
    expect(drillWorkersHealth([lease("worker:h:1", 1)], new Map(), 3, now).problem).toBeNull();
  });

  it("parses worker ids: the last colon splits host from pid", () => {
    expect(parseWorkerId("web-1:1234")).toEqual({ host: "web-1", pid: 1234 });
    expect(parseWorkerId("second-worker")).toEqual({ host: "second-worker", pid: null });
    expect(parseWorkerId("h:x")).toEqual({ host: "h", pid: null });
  });
});

describe("claimRetryMs", () => {
  const running = (workerId: string | null, leaseUntilMs: number | null) => ({ status: "running", workerId, leaseUntil: leaseUntilMs === null ? null : at(leaseUntilMs) });
  it("waits out another worker's lease (a little past it), never longer than a lease and a second", () => {
    expect(claimRetryMs(running("dead:1", 2_000), "me:2", 5_000, now)).toBe(2_250);
    expect(claimRetryMs(running("dead:1", 60_000), "me:2", 5_000, now)).toBe(6_000);
    expect(claimRetryMs(running("dead:1", -10), "me:2", 5_000, now)).toBe(0);
  });
  it("lets the job go for a finished, queued, missing or own drill", () => {
    expect(claimRetryMs({ status: "passed", workerId: "dead:1", leaseUntil: null }, "me:2", 5_000, now)).toBeNull();
    expect(claimRetryMs(null, "me:2", 5_000, now)).toBeNull();
    expect(claimRetryMs(running("me:2", 2_000), "me:2", 5_000, now)).toBeNull();
    expect(claimRetryMs(running("dead:1", null), "me:2", 5_000, now)).toBeNull();
  });
});

const stores = useTempStores("borela-liveness-");

async function drillIn(store: Store, id: string) {
  await store.project.create({ data: { id: `p-${id}`, name: id, drillSchedule: "0 3 * * *", badgeKey: `b-${id}`, storagePrefix: `x-${id}` } });
  await store.drill.create({ data: { id, projectId: `p-${id}`, databaseName: "app" } });
}

describe("the worker beat on a real store", () => {
  it("holds a liveness lease renewed each interval, writes the status file, and lets the lease go at stop", async () => {
    const { store, dir } = await stores.open();
    const statusFile = path.join(dir.path, "worker-status.json");
    let problem: string | null = null;
    const beat = startWorkerBeat(store, "host-a:123", { everyMs: 1_000, logger: createLogger("silent"), statusFile, problem: () => problem });
    const leases = new LeaseStore(store, "sqlite");
    const first = await waitFor(async () => (await leases.list()).find((l) => l.name === "worker:host-a:123") ?? null, { timeoutMs: 5_000, what: "the liveness lease" });
    expect(first.until.getTime() - first.renewedAt.getTime()).toBe(3_000);
    // Written after the lease.
    const status = await waitFor(async () => JSON.parse(await readFile(statusFile, "utf8").catch(() => "null")) as WorkerStatus | null, { timeoutMs: 5_000, what: "the status file" });
    expect(status).toMatchObject({ ok: true, workerId: "host-a:123", everyMs: 1_000 });
    expect(drillWorkersHealth([first], new Map(), 0, new Date()).workers.map((w) => w.id)).toEqual(["host-a:123"]);
    // A worker that cannot take drills says why and is not renewed.
    problem = "Redis not connected (reconnecting)";
    await waitFor(async () => (JSON.parse(await readFile(statusFile, "utf8")) as WorkerStatus).ok === false || null, { timeoutMs: 5_000, what: "a status with the problem" });
    expect(JSON.parse(await readFile(statusFile, "utf8")).error).toBe("Redis not connected (reconnecting)");
    const held = await leases.list();
    await new Promise((r) => setTimeout(r, 1_500)); // a beat and a half
    expect((await leases.list()).find((l) => l.name === "worker:host-a:123")?.renewedAt).toEqual(held.find((l) => l.name === "worker:host-a:123")?.renewedAt);
    expect(drillWorkersHealth(held, new Map(), 2, at(1e12)).problem).toMatch(/^2 drills queued and no drill worker seen/);
    problem = null;
    await waitFor(async () => {
      const l = (await leases.list()).find((r) => r.name === "worker:host-a:123");
      return l && l.renewedAt > held.find((h) => h.name === l.name)!.renewedAt ? l : null;
    }, { timeoutMs: 5_000, what: "a renewal once the problem is gone" });
    await beat.stop();
    expect(drillWorkersHealth(await leases.list(), new Map(), 1, new Date()).workers).toEqual([]);
  });

  it("forgets at start the liveness leases of workers gone a day, and no other lease", async () => {
    const { store } = await stores.open();
    const leases = new LeaseStore(store, "sqlite");
    const ago = (ms: number) => new Date(Date.now() - ms);
    await leases.claim("worker:gone:1", "gone:1", ago(90_000_000), 3_000); // lease ran out 25 h ago
    await leases.claim("worker:recent:2", "recent:2", ago(3_600_000), 3_000); // ran out an hour ago
    await leases.claim("sweep", "core:9:x", ago(90_000_000), 3_000); // a job's lease, however old
    const beat = startWorkerBeat(store, "host-b:456", { everyMs: 60_000, logger: createLogger("silent") });
    const names = await waitFor(async () => {
      const list = (await leases.list()).map((l) => l.name).sort();
      return list.includes("worker:host-b:456") && !list.includes("worker:gone:1") ? list : null;
    }, { timeoutMs: 5_000, what: "the gone worker's lease deleted" });
    expect(names).toEqual(["sweep", "worker:host-b:456", "worker:recent:2"]);
    await beat.stop();
  });
});

describe("reclaimExpired", () => {
  it("leaves a drill another worker claimed between its read and its write", async () => {
    const { store, dir } = await stores.open();
    await drillIn(store, "d1");
    expect(await claimDrill(store, "d1", "dead:1", 1_000, at(-5_000))).toBe(true);
    // The read sees the expired lease; a worker's claim lands before the write.
    const racing = {
      drill: {
        findMany: async (args: Parameters<Store["drill"]["findMany"]>[0]) => {
          const rows = await store.drill.findMany(args);
          expect(await claimDrill(store, "d1", "taker:2", 10_000, now)).toBe(true);
          return rows;
        },
        updateMany: (args: Parameters<Store["drill"]["updateMany"]>[0]) => store.drill.updateMany(args),
      },
    } as unknown as Store;
    expect(await reclaimExpired(racing, dir.path, now)).toEqual(["d1"]);
    expect(await store.drill.findUnique({ where: { id: "d1" }, select: { status: true, workerId: true } })).toEqual({ status: "running", workerId: "taker:2" });
  });
});

describe("claimOrTakeOver", () => {
  it("takes over a drill whose worker stopped renewing once its lease runs out, and leaves one whose worker renews", async () => {
    const { store } = await stores.open();
    await drillIn(store, "dead");
    await drillIn(store, "alive");
    // BullMQ hands the job on while the dead worker's Drill lease still runs (1.5 s left).
    expect(await claimDrill(store, "dead", "dead:1", 1_500)).toBe(true);
    expect(await claimDrill(store, "alive", "alive:1", 1_500)).toBe(true);
    const renewing = renewLease(store, "alive", "alive:1", 1_500);
    try {
      const started = Date.now();
      const [dead, alive] = await Promise.all([claimOrTakeOver(store, "dead", "me:2", 1_500), claimOrTakeOver(store, "alive", "me:2", 1_500)]);
      expect([dead, alive]).toEqual([true, false]);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await store.drill.findUnique({ where: { id: "dead" }, select: { workerId: true, attempts: true } })).toEqual({ workerId: "me:2", attempts: 2 });
      expect((await store.drill.findUnique({ where: { id: "alive" }, select: { workerId: true } }))?.workerId).toBe("alive:1");
    } finally {
      renewing();
    }
  });
});
