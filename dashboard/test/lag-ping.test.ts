// A project watched without an agent (Litestream's ping, the core's storage listing):
// its lag is unknown because no agent reports one, and its last sign of life is the
// ping, not a heartbeat that never comes (lib/lag.ts).
import { describe, expect, it } from "vitest";
import { lagWords, lastHeard } from "../src/lib/lag.ts";

const now = Date.parse("2026-11-29T12:00:00Z");
const ago = (s: number) => new Date(now - s * 1000).toISOString();
const base = { status: "fresh", lastHeartbeatAt: null, heartbeatGraceSeconds: 120, lagSeconds: 0 };

describe("lag and last sign of life without an agent", () => {
  it("the lag names the ping's age, or that none came yet", () => {
    expect(lagWords({ ...base, signals: { agent: false }, lastPingAt: ago(40) }, now)).toBe("unknown: no agent reports it (last ping 40 s ago)");
    expect(lagWords({ ...base, signals: { agent: false }, lastPingAt: null }, now)).toBe("unknown: no agent reports it (no Litestream ping yet)");
  });

  it("with an agent, or on a database card (no signals), the heartbeat rules stay", () => {
    expect(lagWords({ ...base, lastHeartbeatAt: ago(5), signals: { agent: true }, lastPingAt: ago(1) }, now)).toBe("caught up");
    expect(lagWords({ ...base, lastHeartbeatAt: null }, now)).toBe("unknown: no recent heartbeat");
  });

  it("the last sign of life: the ping without an agent, the heartbeat with one", () => {
    expect(lastHeard({ signals: { agent: false }, lastHeartbeatAt: null, lastPingAt: ago(3) })).toEqual({ label: "Last ping", at: ago(3) });
    expect(lastHeard({ signals: { agent: true }, lastHeartbeatAt: ago(9), lastPingAt: ago(3) })).toEqual({ label: "Last heartbeat", at: ago(9) });
  });
});
