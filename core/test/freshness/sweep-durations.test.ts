// Issue 20: /healthz?details=true says how long this core's sweeps take (sweep.sweepMs: the last completed
// one; sweep.sweepMaxMs: the longest within the last hour), the field bench/control-plane.mjs reads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SWEEP_DURATION_WINDOW_MS, SweepDurations } from "../../src/freshness/sweep-durations.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { waitFor } from "../support/wait-for.ts";

const t = (ms: number) => new Date(Date.UTC(2026, 10, 30) + ms);

describe("SweepDurations", () => {
  it("gives null before any sweep, then the last duration and the longest within the hour (whole ms)", () => {
    const d = new SweepDurations();
    expect(d.figures(t(0))).toEqual({ sweepMs: null, sweepMaxMs: null });
    d.record(t(0), 40.4);
    d.record(t(15_000), 120.6);
    d.record(t(30_000), 12);
    expect(d.figures(t(30_000))).toEqual({ sweepMs: 12, sweepMaxMs: 121 });
  });

  it("forgets the longest once it is older than the hour; the last sweep stays the last", () => {
    const d = new SweepDurations();
    d.record(t(0), 900);
    d.record(t(60_000), 30);
    expect(d.figures(t(SWEEP_DURATION_WINDOW_MS)).sweepMaxMs).toBe(900);
    expect(d.figures(t(SWEEP_DURATION_WINDOW_MS + 1))).toEqual({ sweepMs: 30, sweepMaxMs: 30 });
    expect(d.figures(t(2 * SWEEP_DURATION_WINDOW_MS))).toEqual({ sweepMs: 30, sweepMaxMs: null });
  });

  it("keeps a bounded number of sweeps (a 1 s interval for an hour fits)", () => {
    const d = new SweepDurations();
    for (let i = 0; i < 5_000; i++) d.record(t(i * 100), i === 0 ? 5_000 : 1);
    // The first (longest) was dropped for room, though still within the hour.
    expect(d.figures(t(500_000))).toEqual({ sweepMs: 1, sweepMaxMs: 1 });
  });
});

describe("/healthz?details=true sweep durations", () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore({ BORELA_LOG_LEVEL: "warn", BORELA_SWEEP_INTERVAL_SECONDS: "1" });
  });
  afterAll(async () => {
    await core?.close();
  });

  it("reports this core's last and longest sweep in ms once a sweep completed", async () => {
    const sweep = await waitFor(
      async () => {
        const s = (await core.api("GET", "/healthz?details=true", { token: null })).body.details.sweep;
        return typeof s.sweepMs === "number" ? s : null;
      },
      { timeoutMs: 10_000, what: "a completed sweep's duration" },
    );
    expect(sweep.lastSweepAt).not.toBeNull();
    expect(sweep.sweepMs).toBeGreaterThanOrEqual(0);
    expect(sweep.sweepMaxMs).toBeGreaterThanOrEqual(sweep.sweepMs);
    expect(Number.isInteger(sweep.sweepMs)).toBe(true);
  });
});
