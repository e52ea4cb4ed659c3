// Issue 14: the dashboard said "Lag: caught up" on a silent project.
import { describe, expect, it } from "vitest";
import { lagWords } from "../src/lib/lag.ts";

const now = Date.parse("2026-11-29T12:00:00Z");
const ago = (s: number) => new Date(now - s * 1000).toISOString();

describe("lag wording", () => {
  it("a recent heartbeat's lag is shown as reported", () => {
    expect(lagWords({ status: "fresh", lastHeartbeatAt: ago(5), heartbeatGraceSeconds: 120, lagSeconds: 0 }, now)).toBe("caught up");
    expect(lagWords({ status: "stale", lastHeartbeatAt: ago(5), heartbeatGraceSeconds: 120, lagSeconds: 42 }, now)).toBe("42 s");
  });

  it("a silent project's last reported lag of 0 is not 'caught up'", () => {
    expect(lagWords({ status: "silent", lastHeartbeatAt: ago(300), heartbeatGraceSeconds: 120, lagSeconds: 0 }, now)).toBe("unknown: no recent heartbeat");
  });

  it("a heartbeat older than the grace says unknown even before the sweeper marks it silent", () => {
    expect(lagWords({ status: "fresh", lastHeartbeatAt: ago(121), heartbeatGraceSeconds: 120, lagSeconds: 0 }, now)).toBe("unknown: no recent heartbeat");
    expect(lagWords({ status: "fresh", lastHeartbeatAt: ago(119), heartbeatGraceSeconds: 120, lagSeconds: 0 }, now)).toBe("caught up");
  });

  it("no heartbeat ever: unknown", () => {
    expect(lagWords({ status: "unknown", lastHeartbeatAt: null, heartbeatGraceSeconds: 120, lagSeconds: 0 }, now)).toBe("unknown: no recent heartbeat");
  });
});
