// The overview's order comes from the core's severity (core/src/freshness/severity.ts), not a copy:
// worst first, and a drill status sits just after its freshness peer.
import { describe, expect, it } from "vitest";
import { urgency } from "../src/lib/status.ts";
import { SEVERITY, STATUSES } from "../../core/src/freshness/severity.ts";

describe("urgency", () => {
  it("orders freshness statuses as the core's severity does, worst first", () => {
    const byUrgency = [...STATUSES].sort((a, b) => urgency({ status: a, drillStatus: "passed" }) - urgency({ status: b, drillStatus: "passed" }));
    const bySeverity = [...STATUSES].sort((a, b) => SEVERITY[b] - SEVERITY[a]);
    expect(byUrgency).toEqual(bySeverity);
    expect(byUrgency).toEqual(["silent", "error", "stale", "unknown", "fresh"]);
  });
  it("puts a failed drill just after an agent error, an overdue one just after a stale backup", () => {
    const u = (status: string, drillStatus: string) => urgency({ status, drillStatus });
    expect(u("error", "passed")).toBeLessThan(u("fresh", "failed"));
    expect(u("fresh", "failed")).toBeLessThan(u("stale", "passed"));
    expect(u("stale", "passed")).toBeLessThan(u("fresh", "overdue"));
    expect(u("fresh", "overdue")).toBeLessThan(u("unknown", "passed"));
    expect(u("bogus", "passed")).toBe(u("unknown", "passed"));
  });
});
