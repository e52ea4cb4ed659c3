import { describe, expect, it } from "vitest";
import { conditionsOf, planIncidents, type OpenIncident, type SweepConditions } from "../../src/freshness/incident-plan.ts";
import type { Status, Verdict } from "../../src/freshness/status.ts";

const t0 = new Date("2026-11-29T12:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const hold60 = () => 60;
const noHold = () => 0;

function verdict(status: Status, databases: [Status, string][]): Verdict & { databases: Verdict[] } {
  return { status, reasons: [`project ${status}`], databases: databases.map(([s, r]) => ({ status: s, reasons: [r] })) };
}

const errorOn = (reason: string): SweepConditions => conditionsOf(verdict("error", [["error", reason]]), ["db1"], true);
const freshNow: SweepConditions = conditionsOf(verdict("fresh", [["fresh", "app: replicas caught up"]]), ["db1"], true);
const incident = (over: Partial<OpenIncident> = {}): OpenIncident => ({ id: "i1", databaseId: "db1", kind: "error", reason: "sync error", clearedAt: null, ...over });

describe("conditionsOf", () => {
  it("a silent project judges only its silence", () => {
    const c = conditionsOf(verdict("silent", [["silent", "x"]]), ["db1"], true);
    expect(c.decided).toEqual([{ databaseId: null, kind: "silent" }]);
    expect(c.present).toEqual([{ databaseId: null, kind: "silent", reason: "project silent" }]);
  });

  it("a database that is unknown (no backup yet) decides nothing about its own incidents, but the agent is heard from", () => {
    const c = conditionsOf(verdict("unknown", [["unknown", "no backup yet"]]), ["db1"], true);
    expect(c.decided).toEqual([{ databaseId: null, kind: "silent" }, { databaseId: null, kind: "error" }]);
    expect(c.present).toEqual([]);
  });

  it("before any heartbeat nothing about silence is decided", () => {
    // A project without databases judges its own error and stale (agentless watching: no agent, storage listed).
    expect(conditionsOf(verdict("unknown", []), [], false).decided).toEqual([
      { databaseId: null, kind: "error" },
      { databaseId: null, kind: "stale" },
    ]);
  });

  it("an error database is present as error and absent as stale", () => {
    const c = errorOn("sync error");
    expect(c.present).toEqual([{ databaseId: "db1", kind: "error", reason: "sync error" }]);
    expect(c.decided).toContainEqual({ databaseId: "db1", kind: "stale" });
  });
});

describe("planIncidents: one incident per condition", () => {
  it("opens an incident for a new condition", () => {
    expect(planIncidents([], errorOn("sync error"), t0, hold60)).toEqual([
      { type: "open", key: { databaseId: "db1", kind: "error" }, reason: "sync error" },
    ]);
  });

  it("(i) a reason whose wording changes updates the open incident, nothing is opened", () => {
    expect(planIncidents([incident()], errorOn("deletes denied: retention is not running; storage grows"), at(5), hold60)).toEqual([
      { type: "update", id: "i1", reason: "deletes denied: retention is not running; storage grows" },
    ]);
    expect(planIncidents([incident()], errorOn("sync error"), at(5), hold60)).toEqual([]);
  });

  it("(ii) fresh for a moment and back within the hold: cleared, then the same incident goes on", () => {
    const cleared = planIncidents([incident()], freshNow, at(10), hold60);
    expect(cleared).toEqual([{ type: "update", id: "i1", clearedAt: at(10) }]);
    const back = planIncidents([incident({ clearedAt: at(10) })], errorOn("sync error"), at(25), hold60);
    expect(back).toEqual([{ type: "update", id: "i1", clearedAt: null }]);
    expect(back.some((a) => a.type === "open")).toBe(false);
  });

  it("stays away for the whole hold: resolves, dated when the condition went away", () => {
    expect(planIncidents([incident({ clearedAt: at(10) })], freshNow, at(69), hold60)).toEqual([]);
    expect(planIncidents([incident({ clearedAt: at(10) })], freshNow, at(70), hold60)).toEqual([{ type: "resolve", id: "i1", at: at(10) }]);
  });

  it("with no hold (the default confirmation delay for errors) resolves at once", () => {
    expect(planIncidents([incident()], freshNow, at(10), noHold)).toEqual([{ type: "resolve", id: "i1", at: at(10) }]);
  });

  it("leaves alone what the sweep cannot judge", () => {
    const unknown = conditionsOf(verdict("unknown", [["unknown", "no backup yet"]]), ["db1"], true);
    expect(planIncidents([incident()], unknown, at(100), noHold)).toEqual([]);
  });

  it("a flapping series over ten minutes stays one incident", () => {
    let open: OpenIncident[] = [];
    let opened = 0;
    for (let s = 0; s < 600; s += 5) {
      // error for 2 s after each 30 s pass, like a retention pass that fails: modelled as every sixth sweep
      const conditions = s % 30 === 0 ? errorOn(`retention failed at ${s}s`) : freshNow;
      for (const a of planIncidents(open, conditions, at(s), hold60)) {
        if (a.type === "open") {
          opened++;
          open = [{ id: `i${opened}`, ...a.key, reason: a.reason, clearedAt: null }];
        } else if (a.type === "update") {
          open = open.map((o) => (o.id === a.id ? { ...o, ...(a.reason !== undefined ? { reason: a.reason } : {}), ...(a.clearedAt !== undefined ? { clearedAt: a.clearedAt } : {}) } : o));
        } else open = open.filter((o) => o.id !== a.id);
      }
    }
    expect(opened).toBe(1);
    expect(open).toHaveLength(1);
    expect(open[0].reason).toBe("retention failed at 570s");
  });
});
