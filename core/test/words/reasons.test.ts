// Issue 14: the API said "no heartbeat for 42 s" (the sweep that wrote it) while the dashboard counted on.
// The reason is stored as when the silence began and worded when read.
import { describe, expect, it } from "vitest";
import { pingVerdict, silenceVerdict } from "../../src/freshness/status.ts";
import { renderReason, renderReasons } from "../../src/words/reasons.ts";
import { heardFromForJudging, projectExcusedBy } from "../../src/freshness/watching-since.ts";

const t0 = new Date("2026-11-29T10:31:02.000Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const grace = { staleAfterSeconds: 300, heartbeatGraceSeconds: 30 };

describe("a silent reason is stored stable and worded when read", () => {
  it("two sweeps of one silence store the same reason", () => {
    const first = silenceVerdict(t0, grace, at(31))!;
    const later = silenceVerdict(t0, grace, at(95))!;
    expect(first.status).toBe("silent");
    expect(first.reasons).toEqual(later.reasons);
    expect(first.reasons[0]).toBe("no heartbeat since 2026-11-29T10:31:02.000Z (grace 30s): is the agent running?");
  });

  it("the duration is the one at read time", () => {
    const [stored] = silenceVerdict(t0, grace, at(31))!.reasons;
    expect(renderReason(stored, at(42))).toBe("no heartbeat for 42s (grace 30s): is the agent running?");
    expect(renderReason(stored, at(150))).toBe("no heartbeat for 2 min 30s (grace 30s): is the agent running?");
  });

  it("Litestream pings the same way; other reasons are left as they are", () => {
    // Silent after Litestream's 1 min ping interval + the grace (freshness/agentless.ts).
    const [silent] = pingVerdict(t0, grace, at(91)).reasons;
    expect(pingVerdict(t0, grace, at(120)).reasons[0]).toBe(silent);
    expect(renderReason(silent, at(92))).toMatch(/^no Litestream ping for (92s|1 min 32s): is Litestream running\? \(grace 30s after one heartbeat-interval: 1m\)$/);
    const [fresh] = pingVerdict(t0, grace, at(5)).reasons;
    expect(renderReason(fresh, at(7))).toMatch(/^Litestream pinged 7s ago: it runs/);
    expect(renderReasons(["changes to app unreplicated for 5 min on file:///r (threshold 1 min)"], at(9))).toEqual([
      "changes to app unreplicated for 5 min on file:///r (threshold 1 min)",
    ]);
  });
});

const startedAt = (t: Date) => [{ blindFrom: null, since: t }];
const inStartupGrace = (p: Parameters<typeof projectExcusedBy>[0], t: Date, now: Date) => projectExcusedBy(p, startedAt(t), now) !== null;

describe("startup grace: the core's own downtime is no silence", () => {
  const started = at(100);
  it("a project last heard from before the core started is not judged within its grace of the start", () => {
    expect(inStartupGrace({ lastHeartbeatAt: at(50), heartbeatGraceSeconds: 30 }, started, at(101))).toBe(true);
    expect(inStartupGrace({ lastHeartbeatAt: at(50), heartbeatGraceSeconds: 30 }, started, at(130))).toBe(true);
    expect(inStartupGrace({ lastHeartbeatAt: at(50), heartbeatGraceSeconds: 30 }, started, at(131))).toBe(false);
  });
  it("a heartbeat or ping since the start, or none ever, is judged as usual", () => {
    expect(inStartupGrace({ lastHeartbeatAt: at(100), heartbeatGraceSeconds: 30 }, started, at(105))).toBe(false);
    expect(inStartupGrace({ lastHeartbeatAt: at(50), lastPingAt: at(102), heartbeatGraceSeconds: 30 }, started, at(105))).toBe(false);
    expect(inStartupGrace({ lastHeartbeatAt: null, lastPingAt: null, heartbeatGraceSeconds: 30 }, started, at(105))).toBe(false);
  });
});

describe("a database's report queued while the core was down", () => {
  const started = at(100);
  it("counts from the core's start within the grace, so replayed reports make no silence", () => {
    expect(heardFromForJudging(at(50), startedAt(started), 30, at(101))).toEqual(started);
    expect(silenceVerdict(heardFromForJudging(at(50), startedAt(started), 30, at(101)), grace, at(101))).toBeNull();
  });
  it("is its own time after the grace (a real silence) and for reports since the start", () => {
    expect(heardFromForJudging(at(50), startedAt(started), 30, at(131))).toEqual(at(50));
    expect(heardFromForJudging(at(120), startedAt(started), 30, at(125))).toEqual(at(120));
    expect(heardFromForJudging(null, startedAt(started), 30, at(125))).toBeNull();
  });
});
