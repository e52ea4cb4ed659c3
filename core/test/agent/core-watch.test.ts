// Issue 20 item 3: the agent's decision about a core it cannot reach (pure), and the status file's mark.
import { describe, expect, it } from "vitest";
import { coreWatchStep, REACHABLE, type CoreOutcome, type CoreWatchState } from "../../src/agent/core-watch.ts";
import { agentStatus } from "../../src/agent/status-file.ts";
import { heartbeatAnswer } from "../../src/agent/core-client.ts";

const GRACE = 120_000;
const REMIND = 600_000;

/** Runs outcomes at the given seconds; what each step logged and whether it marked. */
function run(steps: Array<[number, CoreOutcome]>): string[] {
  let state: CoreWatchState = REACHABLE;
  return steps.map(([s, outcome]) => {
    const step = coreWatchStep(state, outcome, s * 1000, GRACE, REMIND);
    state = step.state;
    return `${step.log}${step.marked ? "+mark" : ""}@${step.unreachableSeconds}`;
  });
}

describe("coreWatchStep", () => {
  it("stays quiet within the grace, one loud line once past it, then nothing until the reminder", () => {
    expect(run([[0, "reachable"], [30, "unreachable"], [60, "unreachable"], [150, "unreachable"], [151, "unreachable"], [180, "unreachable"], [500, "unreachable"]])).toEqual([
      "none@0",
      "none@0",
      "none@30",
      "none@120",
      "loud+mark@121",
      "none+mark@150",
      "none+mark@470",
    ]);
  });

  it("reminds every REMIND while the streak lasts, and says once that the core is back", () => {
    expect(run([[0, "unreachable"], [121, "unreachable"], [720, "unreachable"], [721, "unreachable"], [1321, "unreachable"], [1400, "reachable"], [1430, "reachable"]])).toEqual([
      "none@0",
      "loud+mark@121",
      "none+mark@720",
      "reminder+mark@721",
      "reminder+mark@1321",
      "back@0",
      "none@0",
    ]);
  });

  it("a short outage inside the grace logs nothing, not even the all-clear; a new streak starts afresh", () => {
    expect(run([[0, "unreachable"], [100, "unreachable"], [110, "reachable"], [200, "unreachable"], [310, "unreachable"], [321, "unreachable"]])).toEqual([
      "none@0",
      "none@100",
      "none@0",
      "none@0",
      "none@110",
      "loud+mark@121",
    ]);
  });

  it("a refusal is an answer; nothing sent (unknown) neither starts nor ends a streak", () => {
    let state: CoreWatchState = REACHABLE;
    expect(coreWatchStep(state, "unknown", 0, GRACE).state).toEqual(REACHABLE);
    state = coreWatchStep(state, "unreachable", 0, GRACE).state;
    const unknown = coreWatchStep(state, "unknown", 130_000, GRACE);
    expect(unknown).toMatchObject({ log: "loud", marked: true });
    expect(coreWatchStep(unknown.state, "reachable", 131_000, GRACE).log).toBe("back");
  });
});

describe("heartbeatAnswer", () => {
  it("takes the project's grace from the core's answer; none from an older core or a strange body", () => {
    expect(heartbeatAnswer('{"ok":true,"duplicate":false,"heartbeatGraceSeconds":300}')).toEqual({ heartbeatGraceSeconds: 300 });
    expect(heartbeatAnswer('{"ok":true,"duplicate":false}')).toBeNull();
    expect(heartbeatAnswer('{"heartbeatGraceSeconds":"300"}')).toBeNull();
    expect(heartbeatAnswer('{"heartbeatGraceSeconds":0}')).toBeNull();
    expect(heartbeatAnswer("<html>")).toBeNull();
  });
});

describe("agentStatus with the core unreachable past the grace", () => {
  it("says so first and carries when it began", () => {
    const at = new Date("2026-01-01T00:10:00Z");
    const since = new Date("2026-01-01T00:07:00Z");
    expect(agentStatus(at, "core unreachable: ECONNREFUSED", [{ name: "app", errors: [] }], { since, seconds: 180, graceSeconds: 120 })).toEqual({
      ok: false,
      at: "2026-01-01T00:10:00.000Z",
      error: "core unreachable for 180 s, longer than the grace of 120 s; core unreachable: ECONNREFUSED",
      coreUnreachableSince: "2026-01-01T00:07:00.000Z",
    });
    expect(agentStatus(at, "core unreachable: ECONNREFUSED", [], null)).toEqual({ ok: false, at: "2026-01-01T00:10:00.000Z", error: "core unreachable: ECONNREFUSED" });
  });
});
