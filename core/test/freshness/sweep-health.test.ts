// Issue 20 item 3: the pure liveness decision behind /healthz's stale-sweep 503.
import { describe, expect, it } from "vitest";
import { MIN_STALE_SECONDS, staleAfterSeconds, sweepHealth } from "../../src/freshness/sweep-health.ts";

const started = new Date("2026-03-01T10:00:00Z");
const at = (s: number) => new Date(started.getTime() + s * 1000);

describe("sweepHealth", () => {
  it("allows four sweep intervals, at least 10 s", () => {
    expect(staleAfterSeconds(15)).toBe(60);
    expect(staleAfterSeconds(1)).toBe(MIN_STALE_SECONDS);
    expect(staleAfterSeconds(3600)).toBe(14_400);
  });

  it("is ok right after a sweep and up to the limit, then names the stale sweep", () => {
    expect(sweepHealth(at(100), started, 15, at(160))).toEqual({ ok: true, lastSweepAt: "2026-03-01T10:01:40.000Z", staleAfterSeconds: 60 });
    const stale = sweepHealth(at(100), started, 15, at(161));
    expect(stale.ok).toBe(false);
    expect(stale.reason).toBe("no freshness sweep completed for 61 s (last at 2026-03-01T10:01:40.000Z; limit 60 s): the core answers but does not judge");
  });

  it("counts from the start until a first sweep completes", () => {
    expect(sweepHealth(null, started, 15, at(59))).toEqual({ ok: true, lastSweepAt: null, staleAfterSeconds: 60 });
    expect(sweepHealth(null, started, 15, at(90)).reason).toBe("no freshness sweep completed since the core started 90 s ago (limit 60 s): the core answers but does not judge");
  });

  it("a peer's sweep from before this core started does not make a fresh start unhealthy", () => {
    expect(sweepHealth(at(-3600), started, 15, at(30)).ok).toBe(true);
    expect(sweepHealth(at(-3600), started, 15, at(61)).ok).toBe(false);
  });

  it("a sweep stamped in the future (a peer's clock ahead) counts as now", () => {
    expect(sweepHealth(at(500), started, 15, at(400))).toMatchObject({ ok: true, lastSweepAt: "2026-03-01T10:08:20.000Z" });
  });
});
