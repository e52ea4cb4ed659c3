// Issue 14, one cause → one alert, through the real planner and dispatcher (SQLite store, real SMTP
// server): the stale incident of a database that turns error is told by the error's messages only, and a
// stale threshold crossed by the core's clock after the last heartbeat waits for the agent's next word.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSmtp, type SmtpSink } from "../support/smtp.ts";
import { alertConfig, clock, dispatcher, open, resolve, seedProject, tempStore, type TestStore } from "./fixtures.ts";

const T0 = new Date("2026-11-03T09:00:00Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);
let smtp: SmtpSink;
let db: TestStore | null = null;

beforeAll(async () => {
  smtp = await startSmtp();
});
afterEach(async () => {
  await db?.close();
  db = null;
});
afterAll(async () => {
  await smtp?.close();
});

const subjectsFor = (project: string) => smtp.messages.filter((m) => m.subject?.includes(` ${project} `)).map((m) => m.subject!.split(" — ")[0]);

/**
 * A seeded project and a dispatcher mailing ops@example.com, its clock at T0. With `crossed`, the
 * project's changes wait since T0 - 60 s under a 60 s threshold (crossed at T0) and its last heartbeat
 * came at T0 - 3 s.
 */
async function world(project: string, options: { crossed?: boolean } = {}) {
  db = await tempStore();
  const { store } = db;
  const s = await seedProject(store, project);
  if (options.crossed) {
    await store.project.update({ where: { id: s.projectId }, data: { staleAfterSeconds: 60, lastHeartbeatAt: at(-3) } });
    await store.replica.updateMany({ where: { databaseId: s.databaseId }, data: { pendingSince: at(-60) } });
  }
  const c = clock(T0);
  const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
  /** A heartbeat arrives now, by the test clock. */
  const heartbeat = () => store.project.update({ where: { id: s.projectId }, data: { lastHeartbeatAt: c.now() } });
  return { store, s, c, alerts, heartbeat };
}

describe("stale, then error for the same database", () => {
  it("after a STALE that went out: ERROR, then the error's RESOLVED; no stale RESOLVED 'now in error'", async () => {
    const { store, s, c, alerts } = await world("escalate");
    const { incident: stale } = await open(store, s, "stale", "changes to primary unreplicated for 61s on file:///r (threshold 1 min)", T0);
    await alerts.tick();
    // The sweep that sees the error clears the stale condition and opens the error, at one time.
    c.advance(10);
    await store.incident.update({ where: { id: stale.id }, data: { clearedAt: c.now() } });
    await open(store, s, "error", "the replica position has not moved for 70s while the database changed (replica stopped at index 0, offset 4152, the database file changed since): Litestream is stuck or cannot write to file:///r", c.now());
    await alerts.tick();
    await store.incident.update({ where: { id: stale.id }, data: { resolvedAt: at(10) } });
    c.advance(5);
    await alerts.tick();
    c.advance(20);
    await resolve(store, s, "error", c.now());
    await alerts.tick();
    await alerts.tick();
    expect(subjectsFor("escalate")).toEqual(["[Borela] STALE: escalate / primary", "[Borela] ERROR: escalate / primary", "[Borela] RESOLVED: escalate / primary"]);
    expect(smtp.messages.filter((m) => m.subject?.includes(" escalate ")).at(-1)!.subject).toMatch(/no longer in error/);
  });

  it("a stale threshold crossed after the last heartbeat waits; the next heartbeat names the error: only the ERROR goes out", async () => {
    // Changes wait since T0 - 60 s, threshold 60 s: crossed at T0; the last heartbeat came at T0 - 3 s.
    const { store, s, c, alerts, heartbeat } = await world("clocked", { crossed: true });
    const { incident: stale } = await open(store, s, "stale", "changes to primary unreplicated for 60s on file:///r (threshold 1 min)", T0);
    for (let i = 0; i < 3; i++) {
      c.advance(1);
      await alerts.tick();
    }
    expect(subjectsFor("clocked")).toEqual([]);
    // The next heartbeat (T0 + 4 s) says Litestream is stuck: the sweep clears stale and opens error.
    c.advance(1);
    await heartbeat();
    await store.incident.update({ where: { id: stale.id }, data: { clearedAt: c.now(), resolvedAt: c.now() } });
    await open(store, s, "error", "the replica position has not moved for 64s while the database changed: Litestream is stuck or cannot write to file:///r", c.now());
    for (let i = 0; i < 3; i++) {
      c.advance(1);
      await alerts.tick();
    }
    expect(subjectsFor("clocked")).toEqual(["[Borela] ERROR: clocked / primary"]);
  });

  it("a heartbeat after the crossing that still says stale: the STALE goes out then", async () => {
    const { store, s, c, alerts, heartbeat } = await world("confirmed", { crossed: true });
    await open(store, s, "stale", "changes to primary unreplicated for 60s on file:///r (threshold 1 min)", T0);
    await alerts.tick();
    expect(subjectsFor("confirmed")).toEqual([]);
    // A heartbeat 2 s after the crossing: the agent may not have sampled its stuck check yet.
    c.advance(2);
    await heartbeat();
    await alerts.tick();
    expect(subjectsFor("confirmed")).toEqual([]);
    c.advance(4);
    await heartbeat();
    await alerts.tick();
    expect(subjectsFor("confirmed")).toEqual(["[Borela] STALE: confirmed / primary"]);
  });

  it("Litestream restarted by the agent resets pendingSince: the STALE still goes out on the next heartbeat, then its RESOLVED", async () => {
    // Issue 14: SIGSTOP'd Litestream, stale for ~32 s, the agent restarted Litestream; the only email was
    // "RESOLVED … (not announced while open)" because the crossing was computed from the replica's current
    // pendingSince, which the restart kept moving into the future.
    const { store, s, c, alerts, heartbeat } = await world("frozen", { crossed: true });
    await open(store, s, "stale", "changes to primary unreplicated for 60s on file:///r (threshold 1 min)", T0);
    await alerts.tick();
    expect(subjectsFor("frozen")).toEqual([]);
    // Heartbeats every 5 s; each reports a pendingSince just reset by the restarted Litestream.
    for (let i = 0; i < 4; i++) {
      c.advance(5);
      await heartbeat();
      await store.replica.updateMany({ where: { databaseId: s.databaseId }, data: { pendingSince: new Date(c.now().getTime() - 1000) } });
      await alerts.tick();
    }
    expect(subjectsFor("frozen")).toEqual(["[Borela] STALE: frozen / primary"]);
    c.advance(12);
    await resolve(store, s, "stale", c.now());
    await alerts.tick();
    await alerts.tick();
    expect(subjectsFor("frozen")).toEqual(["[Borela] STALE: frozen / primary", "[Borela] RESOLVED: frozen / primary"]);
    expect(smtp.messages.some((m) => m.subject?.includes(" frozen ") && /not announced while open/.test(m.subject))).toBe(false);
  });
});
