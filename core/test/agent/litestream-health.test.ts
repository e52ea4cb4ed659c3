import { describe, expect, it } from "vitest";
import { litestreamHealth } from "../../src/agent/litestream-health.ts";
import type { SupervisorStatus } from "../../src/agent/supervisor.ts";

const at = new Date("2026-01-01T00:00:00Z");
const status = (over: Partial<SupervisorStatus>): SupervisorStatus => ({ running: true, pid: 1, startedAt: at, restarts: 0, consecutiveFailures: 0, lastExit: null, startError: null, restartedAt: [], ...over });

describe("litestreamHealth", () => {
  it("a supervised Litestream that died is a note while the agent restarts it (staleness shows the cost)", () => {
    const h = litestreamHealth({ mode: "supervised", status: status({ running: false, lastExit: { code: null, signal: "SIGKILL", at } }), restartEnabled: true, metricsError: null });
    expect(h).toEqual({ running: false, errors: [], notes: ["Litestream is not running: killed by SIGKILL at 2026-01-01T00:00:00.000Z; restarting"] });
  });

  it("with restarts off it is an error naming the cause (the agent knows it: stale is for a cause unknown), on 0.3 and 0.5 alike", () => {
    // The old agent made this a note: the project went stale with "changes to app unreplicated for 64s" and no cause.
    const h = litestreamHealth({ mode: "supervised", status: status({ running: false, lastExit: { code: null, signal: "SIGKILL", at } }), restartEnabled: false, metricsError: null });
    expect(h).toEqual({
      running: false,
      errors: ["Litestream is not running: killed by SIGKILL at 2026-01-01T00:00:00.000Z; restarts are off (--no-restart-litestream): no change is replicated until it is started again"],
      notes: [],
    });
  });

  it("a crash loop and a start failure are errors", () => {
    const h = litestreamHealth({ mode: "supervised", status: status({ running: false, consecutiveFailures: 3, restarts: 3, startError: "cannot start /x/litestream: ENOENT", lastExit: { code: 1, signal: null, at } }), restartEnabled: true, metricsError: null });
    expect(h.errors).toEqual(["cannot start /x/litestream: ENOENT", "Litestream keeps exiting (3 times in a row)"]);
    expect(h.notes).toContain("Litestream restarted 3 time(s) since the agent started");
  });

  it("an observed Litestream whose metrics are gone is an error; without an addr it is only a note", () => {
    expect(litestreamHealth({ mode: "observe", metricsAddr: "127.0.0.1:9", metricsError: "Litestream metrics at http://127.0.0.1:9/metrics unreachable: ECONNREFUSED" })).toEqual({
      running: false,
      errors: ["Litestream is not running: Litestream metrics at http://127.0.0.1:9/metrics unreachable: ECONNREFUSED"],
      notes: [],
    });
    expect(litestreamHealth({ mode: "observe", metricsAddr: null, metricsError: null }).notes[0]).toMatch(/storage only/);
  });
});
