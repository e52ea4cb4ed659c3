import { describe, expect, it } from "vitest";
import { MAX_SWEEP_GAP_MS, nextSweepAt, type DeadlineInput } from "../../src/freshness/deadline.ts";

const now = new Date("2026-11-29T12:00:00.000Z");
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const project = (over: Partial<DeadlineInput> = {}): DeadlineInput => ({
  staleAfterSeconds: 300,
  heartbeatGraceSeconds: 120,
  lastHeartbeatAt: at(-10),
  databases: [{ lastHeartbeatAt: at(-10), replicas: [{ pendingSince: null }] }],
  ...over,
});
const noHold = () => 0;

describe("nextSweepAt", () => {
  it("is 1 ms past the last heartbeat + grace: the first moment the project counts as silent", () => {
    expect(nextSweepAt(project(), [], [], now, noHold)).toEqual(new Date(at(110).getTime() + 1));
  });

  it("is a replica's staleAt when that comes first (pendingSince + threshold)", () => {
    const p = project({ staleAfterSeconds: 60, databases: [{ lastHeartbeatAt: at(-10), replicas: [{ pendingSince: at(-30) }] }] });
    expect(nextSweepAt(p, [], [], now, noHold)).toEqual(new Date(at(30).getTime() + 1));
  });

  it("is a database's own silence when its last report is older than the project's", () => {
    const p = project({ databases: [{ lastHeartbeatAt: at(-100), replicas: [] }] });
    expect(nextSweepAt(p, [], [], now, noHold)).toEqual(new Date(at(20).getTime() + 1));
  });

  it("is a cleared incident's hold end, including one this sweep clears, and not a resolved one's", () => {
    const open = [
      { id: "a", databaseId: null, kind: "error" as const, reason: "x", clearedAt: null },
      { id: "b", databaseId: "d", kind: "stale" as const, reason: "y", clearedAt: at(-50) },
    ];
    const hold = () => 30;
    expect(nextSweepAt(project(), open, [{ type: "update", id: "a", clearedAt: now }], now, hold)).toEqual(at(30));
    expect(nextSweepAt(project(), open, [{ type: "resolve", id: "b", at: at(-50) }], now, hold)).toEqual(new Date(at(110).getTime() + 1));
  });

  it("is the end of the core's startup grace while it runs", () => {
    expect(nextSweepAt(project(), [], [], now, noHold, at(5))).toEqual(at(5));
  });

  it("a silent project (every deadline passed) waits for a change, looked at again at most MAX_SWEEP_GAP_MS later", () => {
    const p = project({ lastHeartbeatAt: at(-3600), databases: [{ lastHeartbeatAt: at(-3600), replicas: [{ pendingSince: at(-3600) }] }] });
    expect(nextSweepAt(p, [], [], now, noHold)).toEqual(new Date(now.getTime() + MAX_SWEEP_GAP_MS));
  });
});
