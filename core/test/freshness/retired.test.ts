// The pure decision for a project whose agent reports no database (freshness/retired.ts
// through status.ts evaluateProject and incident-plan.ts conditionsOf): after the operator
// retired the last one, nothing is watched and the project says so (unknown, no incident);
// without a retire it is the fault "the agent reports no databases" (error, its incident);
// the agent's silence is judged first and still alerts.
import { describe, expect, it } from "vitest";
import { noDatabasesVerdict, NO_DATABASES } from "../../src/freshness/retired.ts";
import { evaluateProject } from "../../src/freshness/status.ts";
import { conditionsOf } from "../../src/freshness/incident-plan.ts";

const now = new Date("2026-11-29T12:00:00.000Z");
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const t = { staleAfterSeconds: 300, heartbeatGraceSeconds: 120 };
const retired = { name: "app.sqlite3", at: at(-600) };

describe("a project whose agent reports no database", () => {
  it("retired last: unknown, saying what was retired and when, and no condition holds", () => {
    expect(noDatabasesVerdict(retired)).toEqual({
      status: "unknown",
      reasons: ["no databases watched: app.sqlite3 was retired at 2026-11-29T11:50:00.000Z; the agent reports none"],
    });
    const v = evaluateProject({ ...t, lastHeartbeatAt: at(-10), retired }, [], now);
    expect(v.status).toBe("unknown");
    const c = conditionsOf(v, [], true);
    expect(c.present).toEqual([]);
    // The project-level error is decided (so an open "reports no databases" incident resolves), and does not hold.
    expect(c.decided).toContainEqual({ databaseId: null, kind: "error" });
  });

  it("never retired: the agent reports no databases, an error with its incident", () => {
    expect(noDatabasesVerdict(null)).toEqual({ status: "error", reasons: [NO_DATABASES] });
    const v = evaluateProject({ ...t, lastHeartbeatAt: at(-10), retired: null }, [], now);
    expect(v.status).toBe("error");
    expect(conditionsOf(v, [], true).present).toEqual([{ databaseId: null, kind: "error", reason: NO_DATABASES }]);
  });

  it("retired, then the agent goes silent: silent, with its incident", () => {
    const v = evaluateProject({ ...t, lastHeartbeatAt: at(-121), retired }, [], now);
    expect(v.status).toBe("silent");
    expect(conditionsOf(v, [], true).present.map((c) => c.kind)).toEqual(["silent"]);
  });

  it("retired, then the agent reports a database again: judged as any database", () => {
    const db = { name: "new.sqlite3", path: "/data/new.sqlite3", lastHeartbeatAt: at(-10), exists: true, errors: ["disk I/O error"], replicas: [], missedHeartbeats: 0 };
    const v = evaluateProject({ ...t, lastHeartbeatAt: at(-10), retired }, [db], now);
    expect(v.status).toBe("error");
    expect(v.reasons.join("\n")).not.toMatch(/retired/);
  });
});
