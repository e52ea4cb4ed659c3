// A stored file replica's directory that does not exist yet (issue 16 item 8): awaited
// (unknown, saying Litestream creates it on its first sync) until a Litestream ping came
// before the listing began; a listing after a ping that still finds none is an error.
// Pure: agentless.ts missingDirectoryWords (what the lister stores) and agentlessVerdict.
import { describe, expect, it } from "vitest";
import { agentlessVerdict, missingDirectoryWords, type StorageListing } from "../../src/freshness/agentless.ts";
import { conditionsOf } from "../../src/freshness/incident-plan.ts";
import { evaluateProject } from "../../src/freshness/status.ts";

const now = new Date("2026-11-29T12:00:00.000Z");
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const t = { staleAfterSeconds: 60, heartbeatGraceSeconds: 90 };
const url = "file:///srv/replica";
const missing = (lastPingAt: Date | null): StorageListing => ({ url, newestLtxAt: null, listedAt: null, error: missingDirectoryWords(url, lastPingAt) });

describe("a stored file replica directory that does not exist yet", () => {
  it("before any ping: unknown, saying the directory does not exist yet and that Litestream creates it on its first sync; no incident", () => {
    const v = agentlessVerdict({ lastPingAt: null, listing: missing(null) }, t, now);
    expect(v.status).toBe("unknown");
    expect(v.reasons.join("\n")).toContain(`storage listing: ${url} does not exist yet: Litestream creates it on its first sync`);
    expect(v.reasons.join("\n")).not.toMatch(/cannot list/);
    const project = evaluateProject({ ...t, lastHeartbeatAt: null, lastPingAt: null, listing: missing(null) }, [], now);
    expect(project.status).toBe("unknown");
    expect(conditionsOf(project, [], false).present).toEqual([]);
  });

  it("a ping that came after the listing began (Litestream's first sync raced it): still awaited, while the ping reads fresh", () => {
    // The lister read lastPingAt (none) before it listed; the ping arrived meanwhile.
    const v = agentlessVerdict({ lastPingAt: at(-5), listing: missing(null) }, t, now);
    expect(v.status).toBe("unknown");
    expect(v.reasons[0]).toMatch(/does not exist yet/);
    expect(v.reasons.join("\n")).toMatch(/Litestream pinged/);
  });

  it("a listing begun after a ping that still finds no directory: error, naming the path and the ping", () => {
    const v = agentlessVerdict({ lastPingAt: at(-30), listing: missing(at(-30)) }, t, now);
    expect(v.status).toBe("error");
    expect(v.reasons[0]).toBe(
      `storage listing: the core cannot list ${url}: ${url} does not exist, though Litestream pinged (it pings only once every database synced): is it the path litestream.yml writes to?`,
    );
  });

  it("any other listing failure stays an error before the first ping", () => {
    const v = agentlessVerdict({ lastPingAt: null, listing: { url, newestLtxAt: null, listedAt: null, error: "EACCES: permission denied" } }, t, now);
    expect(v.status).toBe("error");
  });
});
