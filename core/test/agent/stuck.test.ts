import { describe, expect, it } from "vitest";
import { databaseReach, initialStuck, stepStuck, stuckMessage, type StuckObservation, type StuckState } from "../../src/agent/stuck.ts";

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + s * 1000);
const p = (index: number, offset: number) => ({ index, offset });

function run(steps: Array<{ at: number; replica: { index: number; offset: number } | null; pendingSince: number | null }>): StuckState[] {
  let s = initialStuck;
  return steps.map(({ at, replica, pendingSince }) => {
    const obs: StuckObservation = { now: t(at), replica, pendingSince: pendingSince === null ? null : t(pendingSince), stuckAfterMs: 10_000, maxBackoffMs: 60_000 };
    return (s = stepStuck(s, obs));
  });
}

describe("stepStuck", () => {
  it("an idle caught-up replica that never moves is not stuck", () => {
    const states = run(Array.from({ length: 100 }, (_, i) => ({ at: i, replica: p(1, 4152), pendingSince: null })));
    expect(states.every((s) => !s.stuckSince && !s.restartNow)).toBe(true);
  });

  it("a replica that lags but keeps moving is slow, not stuck", () => {
    const states = run(Array.from({ length: 60 }, (_, i) => ({ at: i, replica: p(1, 100 * i), pendingSince: 0 })));
    expect(states.every((s) => !s.stuckSince)).toBe(true);
  });

  it("a replica that does not move while changes wait is stuck after the window, restarted with backoff", () => {
    const states = run(Array.from({ length: 80 }, (_, i) => ({ at: i, replica: p(0, 16512), pendingSince: 0 })));
    expect(states.findIndex((s) => s.stuckSince)).toBe(10);
    const restarts = states.map((s, i) => (s.restartNow ? i : -1)).filter((i) => i >= 0);
    // first at once, then after 20 s, then 40 s (10 s doubling)
    expect(restarts).toEqual([10, 30, 70]);
    // The supervisor's record: the restart decided at 10 s had Litestream running again at 20.5 s (a 10 s final sync).
    expect(stuckMessage(states[25], { now: t(25), url: "file:///r", database: p(0, 45352), restarts: { enabled: true, startedAt: [t(20.5)] } })).toBe(
      "the replica position has not moved for 25s while the database changed (database at index 0, offset 45352, replica stopped at index 0, offset 16512): Litestream is stuck or cannot write to file:///r; Litestream restarted 1 time(s), last at 2026-01-01T00:00:20.500Z",
    );
  });

  it("counts every restart since the replica stopped moving and quotes when the last one started (finding 2)", () => {
    const states = run(Array.from({ length: 60 }, (_, i) => ({ at: i, replica: p(0, 16512), pendingSince: 0 })));
    // A restart before the replica stopped (at -5 s) is not part of this stuck period.
    const restarts = { enabled: true, startedAt: [t(-5), t(20.5), t(46.1)] };
    expect(stuckMessage(states[59], { now: t(59), url: "file:///r", database: null, restarts })).toMatch(/; Litestream restarted 2 time\(s\), last at 2026-01-01T00:00:46\.100Z$/);
  });

  it("with restarts off, says so and counts none (finding 3)", () => {
    const states = run(Array.from({ length: 30 }, (_, i) => ({ at: i, replica: p(0, 16512), pendingSince: 0 })));
    const message = stuckMessage(states[29], { now: t(29), url: "file:///r", database: null, restarts: { enabled: false, startedAt: [] } })!;
    expect(message).toMatch(/restarts are off \(--no-restart-litestream\): the agent leaves Litestream as it is$/);
    expect(message).not.toMatch(/restarted/);
  });

  it("stays stuck across a restart that loses the live position, and clears when the replica moves", () => {
    const states = run([
      ...Array.from({ length: 12 }, (_, i) => ({ at: i, replica: p(0, 16512), pendingSince: 0 })),
      { at: 12, replica: null, pendingSince: 0 },
      { at: 13, replica: null, pendingSince: 0 },
      { at: 14, replica: p(0, 60000), pendingSince: 0 },
      { at: 15, replica: p(0, 70000), pendingSince: null },
    ]);
    expect(states[11].stuckSince).toEqual(t(10));
    expect(states[13].stuckSince).toEqual(t(10));
    expect(states[14].stuckSince).toBeNull();
    expect(states[15]).toMatchObject({ stuckSince: null, restarts: 0 });
    expect(stuckMessage(states[14], { now: t(14), url: "file:///r", database: null })).toBeNull();
  });
});

describe("stuckMessage positions (issue 14: 'database at X, replica at X')", () => {
  const stuck: StuckState = { point: p(3, 8272), movedAt: t(0), stuckSince: t(60), restarts: 0, lastRestartAt: null, restartNow: false };

  it("a stopped Litestream leaves its shadow WAL where the replica stopped: the app's WAL file says where the database got to", () => {
    // The shadow (Litestream's copy) is at the replica's point; the app's WAL file has grown past it.
    const reach = databaseReach(p(3, 8272), 45_352);
    expect(reach).toEqual(p(3, 45_352));
    const message = stuckMessage(stuck, { now: t(70), url: "file:///r", database: reach })!;
    expect(message).toContain("(database at index 3, offset 45352, replica stopped at index 3, offset 8272)");
  });

  it("never quotes the same position twice: a database not known to be ahead is said to have changed", () => {
    const message = stuckMessage(stuck, { now: t(70), url: "file:///r", database: databaseReach(p(3, 8272), 8272) })!;
    expect(message).toBe(
      "the replica position has not moved for 70s while the database changed (replica stopped at index 3, offset 8272, the database file changed since): Litestream is stuck or cannot write to file:///r",
    );
    expect(stuckMessage(stuck, { now: t(70), url: "file:///r", database: null })).toContain("(replica stopped at index 3, offset 8272, the database file changed since)");
  });

  it("a shadow ahead of a shorter WAL file (after a WAL restart) keeps the shadow's position", () => {
    expect(databaseReach(p(4, 9000), 4152)).toEqual(p(4, 9000));
    expect(databaseReach(null, 4152)).toBeNull();
  });
});
