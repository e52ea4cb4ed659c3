// Issue 18: thousands of agents going silent at once (a network cut) must cost a few short
// transactions, not a frozen core. Projects are written straight into a real store (SQLite,
// committed migrations), the real sweeper sweeps them; the event loop is watched with a 5 ms timer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Sqlite from "better-sqlite3";
import type { Store } from "../../src/store/db.ts";
import type { FastPath } from "../../src/store/fast-path.ts";
import { storeTime } from "../../src/store/time.ts";
import { sqliteSweepStore } from "../../src/store/sqlite-sweep-store.ts";
import { createSweeper, SWEEP_BATCH } from "../../src/freshness/sweeper.ts";
import { silentFleet, type SilentFleet } from "./silent-fleet.ts";

const PROJECTS = 3_000;
const GRACE_SECONDS = 30;
const errors: unknown[] = [];
const logger = { info() {}, warn() {}, error: (obj: object) => void errors.push(obj) };
// The core started before the agents were last heard (else its startup grace excuses the silence).
const startedAt = new Date(Date.now() - 3_600_000);
const sweeperOf = (fast: FastPath) => createSweeper(sqliteSweepStore(fast.sweep), 3600, logger, () => 0, startedAt);

let fleet: SilentFleet;
let store: Store;
let fast: FastPath;
let raw: Sqlite.Database;

beforeAll(async () => {
  fleet = await silentFleet("borela-mass-silence-", PROJECTS, GRACE_SECONDS, "0 3 * * *"); // every agent last heard 60 s ago: past the 30 s grace
  ({ store, fast, raw } = fleet);
});
afterAll(async () => {
  await fleet?.close();
});

/** Runs `fn` while a 5 ms timer measures the event loop; returns the longest gap between its ticks (ms). */
async function longestStall(fn: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    longest = Math.max(longest, t - last);
    last = t;
  }, 5);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(longest, performance.now() - last);
}

const count = (sql: string) => (raw.prepare(sql).get() as { n: number }).n;

describe("a mass silence", () => {
  it(`${PROJECTS} projects going silent at once: one silent incident and one outbox row each, in batches that leave the event loop running`, async () => {
    const changes: string[] = [];
    const sweeper = sweeperOf(fast);
    sweeper.onStatusChange((id, status) => changes.push(`${id}:${status}`));
    const t0 = performance.now();
    const stall = await longestStall(() => sweeper.tick());
    const sweepMs = performance.now() - t0;

    expect(errors).toEqual([]);
    expect(count(`SELECT COUNT(*) AS n FROM "Project" WHERE status = 'silent'`)).toBe(PROJECTS);
    expect(count(`SELECT COUNT(*) AS n FROM "Incident" WHERE kind = 'silent' AND resolvedAt IS NULL`)).toBe(PROJECTS);
    expect(count(`SELECT COUNT(*) AS n FROM "IncidentTransition" WHERE event = 'opened'`)).toBe(PROJECTS);
    expect(changes).toHaveLength(PROJECTS);
    // One batch of SWEEP_BATCH projects is the longest the loop waits (the old sweep held it for every project).
    console.log(`mass silence of ${PROJECTS}: sweep ${Math.round(sweepMs)} ms, longest event-loop stall ${Math.round(stall)} ms (batches of ${SWEEP_BATCH})`);
    expect(stall).toBeLessThan(Math.max(250, sweepMs / 4));
  });

  it("the next sweep evaluates nothing: every silent project's deadline lies ahead, and no row is rewritten", async () => {
    const before = raw.prepare(`SELECT id, updatedAt, statusReasons, sweepAt FROM "Project" ORDER BY id`).all();
    expect(fast.sweep.reads.due(new Date())).toEqual([]);
    const sweeper = sweeperOf(fast);
    await sweeper.tick();
    expect(raw.prepare(`SELECT id, updatedAt, statusReasons, sweepAt FROM "Project" ORDER BY id`).all()).toEqual(before);
    expect(count(`SELECT COUNT(*) AS n FROM "IncidentTransition"`)).toBe(PROJECTS);
  });

  it("a heartbeat (any writer of the last-heard time) makes its project due at once; the sweep resolves its silence with one outbox row", async () => {
    raw.prepare(`UPDATE "Project" SET lastHeartbeatAt = ? WHERE id = 'p00007'`).run(storeTime(new Date()));
    raw.prepare(`UPDATE "Database" SET lastHeartbeatAt = ? WHERE id = 'dp00007'`).run(storeTime(new Date()));
    expect(fast.sweep.reads.due(new Date())).toEqual(["p00007"]);
    await sweeperOf(fast).tick();
    const row = raw.prepare(`SELECT status, sweepAt FROM "Project" WHERE id = 'p00007'`).get() as { status: string; sweepAt: string };
    expect(row.status).toBe("fresh");
    // Next due when this heartbeat's grace runs out.
    expect(Date.parse(row.sweepAt)).toBeGreaterThan(Date.now() + (GRACE_SECONDS - 5) * 1000);
    expect(count(`SELECT COUNT(*) AS n FROM "IncidentTransition" WHERE event = 'resolved'`)).toBe(1);
    expect(fast.sweep.reads.due(new Date())).toEqual([]);
  });
});
