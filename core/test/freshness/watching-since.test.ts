// The rule of freshness/watching-since.ts: after a blind gap, only a silence whose deadline fell after the
// watcher last saw waits one grace from the moment sight returned; older silences are judged as usual.
import { describe, expect, it } from "vitest";
import { blindAfterMs, excusingSight, heardFromForJudging, projectExcusedBy, sightAfterGap, type Sight } from "../../src/freshness/watching-since.ts";
import { decideSweep } from "../../src/freshness/sweep-decision.ts";
import type { SweepInput } from "../../src/store/sweep-store.ts";

const T0 = new Date("2026-11-30T06:00:00.000Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);
// The store was unreachable from 100 s (the last completed sweep) until 160 s; grace 30 s.
const outage: Sight = { blindFrom: at(100), since: at(160) };

describe("excusingSight", () => {
  it("excuses a signal whose deadline fell inside the gap, until one grace after sight returned", () => {
    expect(excusingSight(at(95), 30, [outage], at(160))).toBe(outage); // deadline 125: inside
    expect(excusingSight(at(95), 30, [outage], at(190))).toBe(outage);
    expect(excusingSight(at(95), 30, [outage], at(191))).toBeNull(); // a real silence: judged one grace later
  });

  it("does not excuse a silence whose deadline fell before the gap began (judged then)", () => {
    expect(excusingSight(at(60), 30, [outage], at(161))).toBeNull(); // deadline 90 < 100
    expect(excusingSight(at(70), 30, [outage], at(161))).toBeNull(); // deadline exactly 100: seen by the last sweep
    expect(excusingSight(at(71), 30, [outage], at(161))).toBe(outage);
  });

  it("does not excuse a signal heard after sight returned, nor none", () => {
    expect(excusingSight(at(160), 30, [outage], at(170))).toBeNull();
    expect(excusingSight(null, 30, [outage], at(170))).toBeNull();
  });

  it("a core's start (blindFrom unknown) excuses every earlier signal; the latest excusing sight is chosen", () => {
    const start: Sight = { blindFrom: null, since: at(150) };
    expect(excusingSight(at(10), 30, [start], at(170))).toBe(start);
    expect(excusingSight(at(95), 30, [start, outage], at(170))).toBe(outage);
    expect(heardFromForJudging(at(95), [start, outage], 30, at(170))).toEqual(at(160));
    expect(heardFromForJudging(at(60), [outage], 30, at(170))).toEqual(at(60));
  });

  it("a project's signals are its heartbeat (grace) and its Litestream ping (one ping interval + grace)", () => {
    expect(projectExcusedBy({ lastHeartbeatAt: at(95), lastPingAt: null, heartbeatGraceSeconds: 30 }, [outage], at(161))).toEqual({ sight: outage, graceSeconds: 30 });
    expect(projectExcusedBy({ lastHeartbeatAt: at(40), lastPingAt: null, heartbeatGraceSeconds: 30 }, [outage], at(161))).toBeNull();
    // A ping at 20 s: silent after 20 + 60 + 30 = 110, inside the gap; waits until 160 + 90 s.
    expect(projectExcusedBy({ lastHeartbeatAt: null, lastPingAt: at(20), heartbeatGraceSeconds: 30 }, [outage], at(250))).toEqual({ sight: outage, graceSeconds: 90 });
    expect(projectExcusedBy({ lastHeartbeatAt: null, lastPingAt: at(20), heartbeatGraceSeconds: 30 }, [outage], at(251))).toBeNull();
    // Heard from since sight returned: judged as usual.
    expect(projectExcusedBy({ lastHeartbeatAt: at(95), lastPingAt: at(165), heartbeatGraceSeconds: 30 }, [outage], at(170))).toBeNull();
  });
});

describe("sightAfterGap", () => {
  const bound = blindAfterMs(5); // 15 s
  it("names a gap once no sweep completed for longer than the bound", () => {
    expect(bound).toBe(15_000);
    expect(sightAfterGap(at(100), null, at(115), bound)).toBeNull();
    expect(sightAfterGap(at(100), null, at(116), bound)).toEqual({ blindFrom: at(100), since: at(116) });
  });
  it("not when none ever completed, nor again for a gap already stored", () => {
    expect(sightAfterGap(null, null, at(500), bound)).toBeNull();
    expect(sightAfterGap(at(100), { blindFrom: at(100), since: at(116) }, at(120), bound)).toBeNull();
    expect(sightAfterGap(at(300), { blindFrom: at(100), since: at(116) }, at(320), bound)).toEqual({ blindFrom: at(300), since: at(320) });
  });
});

function input(over: { lastHeartbeatAt: Date; status: "fresh" | "silent" | "stale"; open?: boolean; dbAt?: Date; pendingSince?: Date | null }): SweepInput {
  return {
    project: {
      id: "p", status: over.status, statusReasons: "[]", staleAfterSeconds: 60, heartbeatGraceSeconds: 30,
      lastHeartbeatAt: over.lastHeartbeatAt, lastPingAt: null,
    },
    databases: [{
      id: "d", name: "app", path: "/data/app.db", status: over.status, statusReasons: "[]", lastHeartbeatAt: over.dbAt ?? over.lastHeartbeatAt,
      exists: true, errors: [], missedHeartbeats: 0, position: null,
      replicas: [{ url: "file:///r", pendingSince: over.pendingSince ?? null, lastError: null, hasPosition: true, lastSnapshotAt: at(0), position: null }],
    }],
    openIncidents: over.open ? [{ id: "i1", kind: "silent", databaseId: null, clearedAt: null }] : [],
  } as unknown as SweepInput;
}
const noHold = () => 0;

describe("decideSweep after a blind gap", () => {
  it("a project whose deadline fell inside the gap is left fresh, its deadline at the grace's end", () => {
    const d = decideSweep(input({ lastHeartbeatAt: at(95), status: "fresh" }), at(161), noHold, [outage]);
    expect(d.plan.incidents).toEqual([]);
    expect(d.plan.project).toBeNull();
    expect(d.plan.deadline).toEqual(new Date(at(190).getTime() + 1));
    expect(d.result.status).toBe("fresh");
  });

  it("without the sight the same project opens a silence (the old behaviour)", () => {
    const d = decideSweep(input({ lastHeartbeatAt: at(95), status: "fresh" }), at(161), noHold, null);
    expect(d.result.status).toBe("silent");
    expect(d.plan.incidents.some((a) => a.type === "open")).toBe(true);
  });

  it("a queued report (database time inside the gap) arriving after sight returned makes no database silence", () => {
    const d = decideSweep(input({ lastHeartbeatAt: at(161), dbAt: at(98), status: "fresh" }), at(162), noHold, [outage]);
    expect(d.plan.project?.reasons ?? "").not.toMatch(/no heartbeat|no report|silent/i);
    expect(d.result.status).toBe("fresh");
    expect(d.plan.incidents).toEqual([]);
  });

  it("a silence older than the gap stays silent, its open incident open", () => {
    const d = decideSweep(input({ lastHeartbeatAt: at(10), status: "silent", open: true }), at(161), noHold, [outage]);
    expect(d.result.status).toBe("silent");
    expect(d.plan.incidents.filter((a) => a.type !== "update")).toEqual([]);
  });

  it("an agent stopped just before the outage goes silent one grace after sight returned", () => {
    expect(decideSweep(input({ lastHeartbeatAt: at(95), status: "fresh" }), at(190), noHold, [outage]).result.status).toBe("fresh");
    const d = decideSweep(input({ lastHeartbeatAt: at(95), status: "fresh" }), at(191), noHold, [outage]);
    expect(d.result.status).toBe("silent");
    expect(d.plan.incidents.filter((a) => a.type === "open")).toHaveLength(1);
  });

  it("a stale project caught by the gap stays stale within the grace (not turned silent), and is judged after it", () => {
    const p = input({ lastHeartbeatAt: at(95), status: "stale", pendingSince: at(0) });
    expect(decideSweep(p, at(161), noHold, [outage]).result.status).toBe("stale");
    expect(decideSweep(p, at(191), noHold, [outage]).result.status).toBe("silent");
  });
});
