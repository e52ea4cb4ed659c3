import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";
import { pruneHeartbeats } from "../../src/store/retention.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({ BORELA_RATE_LIMIT_PER_MINUTE: "3" });
});
afterAll(async () => {
  await core?.close();
});

describe("heartbeat retention", () => {
  it("prunes history older than the retention and keeps the rest", async () => {
    const p = await core.createProject("retention");
    const old = new Date(Date.now() - 40 * 86_400_000);
    await core.store.heartbeat.create({ data: { id: "old-hb", projectId: p.id, receivedAt: old, sentAt: old, payload: "{}" } });
    await core.store.heartbeat.create({ data: { id: "new-hb", projectId: p.id, sentAt: new Date(), payload: "{}" } });
    expect(await pruneHeartbeats(core.store, 30)).toBe(1);
    expect((await core.store.heartbeat.findMany({ where: { projectId: p.id } })).map((h) => h.id)).toEqual(["new-hb"]);
  });
});

describe("rate limits", () => {
  it("limits heartbeats per token with 429 and a message", async () => {
    const p = await core.createProject("limited");
    const other = await core.createProject("other");
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() })).status);
    expect(codes).toEqual([201, 201, 201, 429]);
    const limited = await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() });
    expect(limited.body).toMatchObject({ error: "too_many_requests", message: expect.stringContaining("3 requests per minute") });
    // Another project's agent is not affected.
    expect((await core.api("POST", "/api/v1/heartbeats", { token: other.agentToken, body: heartbeat() })).status).toBe(201);
  });

  it("blocks an address after repeated failed authentications, but never a valid token (issue 13)", async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) statuses.add((await core.api("GET", "/api/v1/projects", { token: `bradm_guess_${i}` })).status);
    expect(statuses).toEqual(new Set([401]));
    const blocked = await core.api("GET", "/api/v1/projects", { token: "bradm_guess_again" });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await core.api("GET", "/api/v1/projects")).status).toBe(200);
  });
});
