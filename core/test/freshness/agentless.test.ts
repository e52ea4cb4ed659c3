// The pure decision of agentless watching (freshness/agentless.ts): a project with no
// agent, judged from Litestream's heartbeat-url ping and the core's own listing of the
// stored replica. Fresh needs both; each missing or failing signal is named. The
// ping is silent only after Litestream's ping interval + the grace; the listing
// never judges the newest LTX file's age (an idle database writes none).
import { describe, expect, it } from "vitest";
import { agentlessVerdict, MISSING_SIGNAL, pingGraceWarning, type StorageListing } from "../../src/freshness/agentless.ts";
import { evaluateProject } from "../../src/freshness/status.ts";
import { conditionsOf } from "../../src/freshness/incident-plan.ts";
import { nextSweepAt } from "../../src/freshness/deadline.ts";
import { newestLtxAt } from "../../src/freshness/storage-listing.ts";
import { renderReasons } from "../../src/words/reasons.ts";

const now = new Date("2026-11-29T12:00:00.000Z");
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const t = { staleAfterSeconds: 60, heartbeatGraceSeconds: 90 };
const url = "file:///srv/replica";
const listing = (over: Partial<StorageListing> = {}): StorageListing => ({ url, newestLtxAt: at(-10), listedAt: at(-5), error: null, ...over });
const words = (reasons: string[]) => renderReasons(reasons, now).join("\n");

describe("agentlessVerdict", () => {
  it("fresh when the ping came within interval + grace and the listing holds LTX files", () => {
    const v = agentlessVerdict({ lastPingAt: at(-30), listing: listing() }, t, now);
    expect(v.status).toBe("fresh");
    expect(words(v.reasons)).toMatch(/Litestream pinged 30s ago: it runs and every database synced/);
    expect(words(v.reasons)).toContain(
      "storage listing: newest LTX file written 10s ago on file:///srv/replica (an idle database writes none; without an agent nothing compares it with the database)",
    );
    // Both present: only the agent is named as missing.
    expect(v.reasons).toContain(MISSING_SIGNAL.agent);
    expect(v.reasons).not.toContain(MISSING_SIGNAL.listing);
  });

  it("an idle database: the newest LTX file far older than staleAfter stays fresh while pings come (its age is told, not judged)", () => {
    const v = agentlessVerdict({ lastPingAt: at(-30), listing: listing({ newestLtxAt: at(-86_400) }) }, t, now);
    expect(v.status).toBe("fresh");
    expect(words(v.reasons)).toMatch(/storage listing: newest LTX file written 24 h ago on file:\/\/\/srv\/replica \(an idle database writes none/);
  });

  it("stale when the listing finds no LTX file at all", () => {
    const v = agentlessVerdict({ lastPingAt: at(-30), listing: listing({ newestLtxAt: null }) }, t, now);
    expect(v.status).toBe("stale");
    expect(v.reasons[0]).toBe(`storage listing: no LTX file on ${url}: is it the replica litestream.yml writes to?`);
  });

  it("silent only after Litestream's 1 min ping interval + the grace; the ping's reason leads and says so", () => {
    // Grace 90 s: a ping 91 s ago is within the 60 s interval + grace (the old rule called it silent).
    expect(agentlessVerdict({ lastPingAt: at(-91), listing: listing() }, t, now).status).toBe("fresh");
    expect(agentlessVerdict({ lastPingAt: at(-150), listing: listing() }, t, now).status).toBe("fresh");
    const v = agentlessVerdict({ lastPingAt: at(-151), listing: listing({ newestLtxAt: at(-120) }) }, t, now);
    expect(v.status).toBe("silent");
    expect(words(v.reasons)).toMatch(/^no Litestream ping for 2 min 31s: is Litestream running\? \(grace 90s after one heartbeat-interval: 1m\)/);
    expect(v.reasons[1]).toMatch(/^storage listing: newest LTX file written/);
  });

  it("a grace shorter than the interval (30 s): silent after 90 s, not between two pings a minute apart; a warning says why", () => {
    const short = { ...t, heartbeatGraceSeconds: 30 };
    expect(agentlessVerdict({ lastPingAt: at(-75), listing: null }, short, now).status).toBe("fresh");
    expect(agentlessVerdict({ lastPingAt: at(-91), listing: null }, short, now).status).toBe("silent");
    expect(pingGraceWarning(30)).toMatch(/^heartbeatGraceSeconds \(30s\) is shorter than Litestream's smallest heartbeat-interval: 1m: the Litestream ping is judged silent only after 90s \(interval \+ grace\)$/);
    expect(pingGraceWarning(60)).toBeNull();
    expect(pingGraceWarning(120)).toBeNull();
  });

  it("error when the core cannot list the stored replica, naming it", () => {
    const v = agentlessVerdict({ lastPingAt: at(-30), listing: listing({ error: "ENOENT: no such directory" }) }, t, now);
    expect(v.status).toBe("error");
    expect(v.reasons[0]).toBe(`storage listing: the core cannot list ${url}: ENOENT: no such directory`);
  });

  it("a stored replica not listed yet does not hold the ping's verdict back", () => {
    const v = agentlessVerdict({ lastPingAt: at(-30), listing: listing({ listedAt: null, newestLtxAt: null }) }, t, now);
    expect(v.status).toBe("fresh");
    expect(v.reasons).toContain(`storage listing: ${url} not listed yet`);
  });

  it("ping only: fresh from the ping, saying storage is not listed and what that leaves unchecked", () => {
    const v = agentlessVerdict({ lastPingAt: at(-30), listing: null }, t, now);
    expect(v.status).toBe("fresh");
    expect(v.reasons).toEqual([expect.stringMatching(/^Litestream pinged at/), MISSING_SIGNAL.agent, MISSING_SIGNAL.listing]);
  });

  it("listing only, no ping yet: unknown, naming the missing ping and how to add it", () => {
    const v = agentlessVerdict({ lastPingAt: null, listing: listing() }, t, now);
    expect(v.status).toBe("unknown");
    expect(v.reasons[0]).toBe(MISSING_SIGNAL.ping);
    expect(v.reasons[0]).toMatch(/heartbeat-url/);
  });
});

describe("evaluateProject without an agent", () => {
  const project = { ...t, lastHeartbeatAt: null };
  it("judges from the ping and the listing; a stored replica alone is enough to be judged", () => {
    expect(evaluateProject({ ...project, lastPingAt: at(-30), listing: listing({ newestLtxAt: null }) }, [], now).status).toBe("stale");
    expect(evaluateProject({ ...project, lastPingAt: at(-30), listing: listing({ newestLtxAt: at(-100) }) }, [], now).status).toBe("fresh");
    expect(evaluateProject({ ...project, lastPingAt: null, listing: listing() }, [], now).status).toBe("unknown");
    expect(evaluateProject({ ...project, lastPingAt: null, listing: null }, [], now).reasons).toEqual(["no heartbeat received yet"]);
  });

  it("a project-level stale incident follows (no databases to hang it on)", () => {
    const v = evaluateProject({ ...project, lastPingAt: at(-30), listing: listing({ newestLtxAt: null }) }, [], now);
    const c = conditionsOf(v, [], true);
    expect(c.present).toEqual([expect.objectContaining({ databaseId: null, kind: "stale", reason: expect.stringMatching(/^storage listing: /) })]);
    const fresh = conditionsOf(evaluateProject({ ...project, lastPingAt: at(-30), listing: listing() }, [], now), [], true);
    expect(fresh.decided).toContainEqual({ databaseId: null, kind: "stale" });
    expect(fresh.present).toEqual([]);
  });
});

describe("nextSweepAt without an agent", () => {
  it("is 1 ms past the last ping + Litestream's 1 min interval + the grace; the newest LTX file's age sets no deadline", () => {
    const p = { ...t, lastHeartbeatAt: null, lastPingAt: at(-10), databases: [] };
    expect(nextSweepAt(p, [], [], now, () => 0)).toEqual(new Date(at(-10 + 60 + 90).getTime() + 1));
  });
});

describe("newestLtxAt", () => {
  const file = (level: number, createdAt: Date) => ({ level, minTXID: 1, maxTXID: 1, size: 1, createdAt, name: "x.ltx", key: "x" });
  it("is the newest createdAt of every level; null for a listing without LTX files", () => {
    expect(newestLtxAt({ ltx: [file(0, at(-30)), file(9, at(-5)), file(1, at(-20))] })).toEqual(at(-5));
    expect(newestLtxAt({ ltx: [] })).toBeNull();
  });
});
