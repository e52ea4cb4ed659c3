// The ping key can be rotated (a leaked litestream.yml must not keep a project
// fresh for ever), and HEAD /ping/<key> (link unfurlers, uptime checkers)
// answers without counting as a ping.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({ BORELA_LOG_LEVEL: "warn" });
});
afterAll(async () => {
  await core?.close();
});

interface Detail {
  id: string;
  pingUrl: string | null;
  pingLine: string | null;
  lastPingAt: string | null;
}
const detail = async (id: string) => (await core.api<Detail>("GET", `/api/v1/projects/${id}`)).body;

describe("POST /api/v1/projects/:id/ping-key", () => {
  it("issues a new ping URL; the old one answers 404 at once, the new one records pings", async () => {
    const p = await core.createProject("ping-rotate");
    const other = await core.createProject("ping-rotate-other");
    const before = await detail(p.id);
    const otherBefore = await detail(other.id);
    expect((await fetch(before.pingUrl!)).status).toBe(200);

    const res = await core.api<Detail>("POST", `/api/v1/projects/${p.id}/ping-key`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(p.id);
    expect(res.body.pingUrl).toMatch(new RegExp(`^${core.url}/ping/[A-Za-z0-9_-]{24}$`));
    expect(res.body.pingUrl).not.toBe(before.pingUrl);
    expect(res.body.pingLine).toContain(res.body.pingUrl!);
    expect((await detail(p.id)).pingUrl).toBe(res.body.pingUrl);
    expect((await detail(other.id)).pingUrl).toBe(otherBefore.pingUrl);

    expect((await fetch(before.pingUrl!)).status).toBe(404);
    expect((await fetch(before.pingUrl!, { method: "POST" })).status).toBe(404);
    expect((await fetch(res.body.pingUrl!)).status).toBe(200);
    expect((await fetch(otherBefore.pingUrl!)).status).toBe(200);
  });

  it("admin only; 404 for an unknown project", async () => {
    const p = await core.createProject("ping-rotate-auth");
    expect((await core.api("POST", `/api/v1/projects/${p.id}/ping-key`, { token: null })).status).toBe(401);
    expect((await core.api("POST", `/api/v1/projects/${p.id}/ping-key`, { token: p.agentToken })).status).toBe(401);
    expect((await core.api("POST", "/api/v1/projects/nope/ping-key")).status).toBe(404);
  });
});

describe("HEAD /ping/<ping key>", () => {
  it("answers 200 for the key (404 for another) without recording a ping", async () => {
    const p = await core.createProject("ping-head");
    const { pingUrl } = await detail(p.id);
    const head = await fetch(pingUrl!, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect((await fetch(`${core.url}/ping/${"y".repeat(24)}`, { method: "HEAD" })).status).toBe(404);
    expect((await detail(p.id)).lastPingAt).toBeNull();
    expect((await fetch(pingUrl!)).status).toBe(200);
    expect((await detail(p.id)).lastPingAt).not.toBeNull();
  });
});
