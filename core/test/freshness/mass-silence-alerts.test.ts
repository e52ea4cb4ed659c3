// Issue 18: a mass silence must not freeze the core after the sweep either. The sweep opens one
// silent incident (and one outbox row) per project in short transactions; what used to hold the event
// loop for seconds came after it: the alert planner ran one Prisma chain per new incident (its project's
// recipients, one insert per claim) with no turn for the loop, and the drill service looked at every
// project's first drill one by one. Real store (SQLite, committed migrations), real sweeper, real alert
// dispatcher sending to a real SMTP server on loopback, real drill service; the loop is watched with a
// 5 ms timer. One email per project: each silent project's incident is news to its own recipients.
import { loadavg } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import type Sqlite from "better-sqlite3";
import type { Store } from "../../src/store/db.ts";
import type { FastPath } from "../../src/store/fast-path.ts";
import { storeTime } from "../../src/store/time.ts";
import { sqliteSweepStore } from "../../src/store/sqlite-sweep-store.ts";
import { createSweeper } from "../../src/freshness/sweeper.ts";
import { createAlertDispatcher, type AlertDispatcher } from "../../src/alerts/dispatcher.ts";
import { createDrillService } from "../../src/drills/service.ts";
import { startSmtp, type SmtpSink } from "../support/smtp.ts";
import type { TmpDir } from "../support/tmp.ts";
import { silentFleet, type SilentFleet } from "./silent-fleet.ts";

const PROJECTS = 2_000;
const GRACE_SECONDS = 30;
// CPU time the loop may be held at most. The machine these tests share runs at load 10-20 on 2 cores,
// where a wall-clock stall is mostly the scheduler's doing (a 60 ms batch waits 0.5-1.5 s): the bound is
// on the work that held the loop, the wall-clock figure is printed beside it. Measured at load 13-17:
// the old code 9,092 ms (alert pass), 509 ms (recovery sweep with its first-drill chains), 9,261 ms
// (drill tick); this code 205-220, 154-242 and 181-209 ms.
const STALL_BOUND_MS = 400;
const errors: unknown[] = [];
const logger = { info() {}, warn() {}, debug() {}, error: (obj: object) => void errors.push(obj), child: () => logger } as never;
const startedAt = new Date(Date.now() - 3_600_000);

let fleet: SilentFleet;
let dir: TmpDir;
let store: Store;
let fast: FastPath;
let raw: Sqlite.Database;
let smtp: SmtpSink;
let alerts: AlertDispatcher;

beforeAll(async () => {
  // An S3 replica the core holds no credentials for: first drills are looked at, none can run.
  fleet = await silentFleet("borela-mass-silence-alerts-", PROJECTS, GRACE_SECONDS, "0 3 * * 0");
  ({ dir, store, fast, raw } = fleet);
  smtp = await startSmtp();
  alerts = createAlertDispatcher({
    store,
    config: {
      smtpUrl: smtp.url,
      mailFrom: "borela@test.local",
      alertEmail: ["ops@example.com"],
      publicUrl: "https://borela.example.com",
      alertReminderHours: 24,
      alertRetrySeconds: 1,
      digestCron: "0 8 * * 1",
      alertConfirmSeconds: 0,
      alertAllowPrivateTargets: true,
    },
    secretKey: Buffer.alloc(32, 7),
    logger,
  });
  // The first pass plans everything (nothing open yet); the mass silence then comes through the outbox.
  await alerts.tick();
});
afterAll(async () => {
  await alerts?.stop();
  await smtp?.close();
  await fleet?.close();
});

interface Stall {
  /** Longest wall-clock gap between the 5 ms timer's ticks (ms): what a caller waits, descheduling included. */
  wallMs: number;
  /** Most CPU time this process spent between two ticks (ms): the work that held the loop, whatever the machine's load. */
  cpuMs: number;
}

/** Runs `fn` while a 5 ms timer watches the event loop. */
async function longestStall(fn: () => Promise<unknown>): Promise<Stall> {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const worst = { wallMs: 0, cpuMs: 0 };
  const look = () => {
    const t = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    worst.wallMs = Math.max(worst.wallMs, t - last);
    worst.cpuMs = Math.max(worst.cpuMs, (cpu.user + cpu.system) / 1000);
    last = t;
    lastCpu = process.cpuUsage();
  };
  const timer = setInterval(look, 5);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  look();
  return { wallMs: Math.round(worst.wallMs), cpuMs: Math.round(worst.cpuMs) };
}

const count = (sql: string, ...args: unknown[]) => (raw.prepare(sql).get(...args) as { n: number }).n;
const load = () => loadavg()[0].toFixed(1);

describe("a mass silence, after the sweep", () => {
  it(`${PROJECTS} silent projects: alert planning claims one opened email per project in batches, the loop keeps running, and the emails reach SMTP`, async () => {
    await createSweeper(sqliteSweepStore(fast.sweep), 3600, logger, () => 0, startedAt).tick();
    expect(count(`SELECT COUNT(*) AS n FROM "Incident" WHERE kind = 'silent' AND resolvedAt IS NULL`)).toBe(PROJECTS);

    const t0 = performance.now();
    const stall = await longestStall(() => alerts.tick());
    const passMs = performance.now() - t0;
    // Exactly one opened delivery per silent incident, each to the operator's address, none twice.
    expect(count(`SELECT COUNT(*) AS n FROM "Delivery" WHERE event = 'opened'`)).toBe(PROJECTS);
    expect(count(`SELECT COUNT(DISTINCT incidentId) AS n FROM "Delivery" WHERE event = 'opened' AND target = 'ops@example.com'`)).toBe(PROJECTS);
    console.log(`mass silence of ${PROJECTS}: alert planning pass ${Math.round(passMs)} ms, longest event-loop stall ${JSON.stringify(stall)} (load ${load()})`);
    expect(stall.cpuMs).toBeLessThan(STALL_BOUND_MS);

    // A second pass plans nothing new (no reload of the open incidents, no duplicate) and sends the next batch.
    const stall2 = await longestStall(() => alerts.tick());
    expect(count(`SELECT COUNT(*) AS n FROM "Delivery"`)).toBe(PROJECTS);
    console.log(`second pass: longest event-loop stall ${JSON.stringify(stall2)}`);
    expect(stall2.cpuMs).toBeLessThan(STALL_BOUND_MS);
    // What was sent reached the SMTP server: one message per project, each naming its own project.
    const sent = count(`SELECT COUNT(*) AS n FROM "Delivery" WHERE status = 'sent'`);
    expect(sent).toBeGreaterThan(0);
    expect(smtp.messages.length).toBe(sent);
    const subjects = smtp.messages.map((m) => m.subject ?? "");
    expect(subjects.every((s) => /^\[Borela\] SILENT: mass-\d+ — no heartbeat for/.test(s))).toBe(true);
    expect(new Set(subjects.map((s) => /mass-\d+/.exec(s)![0])).size).toBe(sent);
    expect(errors).toEqual([]);
  }, 180_000);

  it(`${PROJECTS} projects heard again at once: the sweep's transitions to fresh and the drill service's first-drill and overdue looks run in batches`, async () => {
    const config = loadConfig({ BORELA_DATA_DIR: dir.path });
    const drills = createDrillService({ store, config, logger });
    const sweeper = createSweeper(sqliteSweepStore(fast.sweep), 3600, logger, () => 0, startedAt);
    sweeper.onStatusChange((id, status) => drills.onProjectStatus(id, status));
    const heard = storeTime(new Date());
    raw.prepare(`UPDATE "Project" SET lastHeartbeatAt = ?`).run(heard);
    raw.prepare(`UPDATE "Database" SET lastHeartbeatAt = ?`).run(heard);

    // The recovery sweep asks for 2,000 first drills (looked at in batches while it goes on); the first
    // schedule tick computes every deadline and runs the first-drill catch-up over all 2,000 never-drilled projects.
    const t0 = performance.now();
    const sweepStall = await longestStall(() => sweeper.tick());
    const t1 = performance.now();
    const tickStall = await longestStall(() => drills.scheduleTick());
    const t2 = performance.now();
    expect(count(`SELECT COUNT(*) AS n FROM "Project" WHERE status = 'fresh'`)).toBe(PROJECTS);
    expect(count(`SELECT COUNT(*) AS n FROM "Project" WHERE nextDrillAt IS NULL OR drillOverdueAt IS NULL`)).toBe(0);
    // The replicas are unreadable to the core: no first drill is queued, none claimed.
    expect(count(`SELECT COUNT(*) AS n FROM "Drill"`)).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM "Setting" WHERE key LIKE 'first-drill:%'`)).toBe(0);
    console.log(`mass recovery of ${PROJECTS}: sweep ${Math.round(t1 - t0)} ms (longest stall ${JSON.stringify(sweepStall)}), drill tick ${Math.round(t2 - t1)} ms (longest stall ${JSON.stringify(tickStall)}) (load ${load()})`);
    expect(sweepStall.cpuMs).toBeLessThan(STALL_BOUND_MS);
    expect(tickStall.cpuMs).toBeLessThan(STALL_BOUND_MS);
    await drills.stop();
    expect(errors).toEqual([]);
  }, 180_000);
});
