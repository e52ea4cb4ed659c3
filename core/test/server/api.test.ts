import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
});

describe("health and docs", () => {
  it("GET /healthz answers ok without auth", async () => {
    const res = await core.api("GET", "/healthz", { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });
  it("serves the OpenAPI document at /docs", async () => {
    const res = await core.api("GET", "/docs/json", { token: null });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(["/api/v1/projects", "/api/v1/heartbeats"]));
  });
});

describe("admin auth", () => {
  it("refuses a missing token with 401 and a message", async () => {
    const res = await core.api("GET", "/api/v1/projects", { token: null });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: "unauthorized", message: expect.stringContaining("admin") });
  });
  it("refuses a wrong token before looking at the body", async () => {
    const res = await core.api("POST", "/api/v1/projects", { token: "bradm_wrong", raw: "{not json" });
    expect(res.status).toBe(401);
  });
  it("refuses an agent token on admin routes", async () => {
    const p = await core.createProject("agent-not-admin");
    const res = await core.api("GET", "/api/v1/projects", { token: p.agentToken });
    expect(res.status).toBe(401);
  });
});

describe("projects", () => {
  it("creates a project and returns its agent token once", async () => {
    const res = await core.api("POST", "/api/v1/projects", { body: { name: "shop", staleAfterSeconds: 60 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), name: "shop", agentToken: expect.stringMatching(/^bra_[\w-]{20,}$/) });
    const detail = await core.api("GET", `/api/v1/projects/${res.body.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: res.body.id,
      name: "shop",
      status: "unknown",
      statusReasons: ["no heartbeat received yet"],
      lastHeartbeatAt: null,
      lastBackupAt: null,
      storageBytes: 0,
      lastDrill: null,
      databases: [],
      staleAfterSeconds: 60,
      heartbeatGraceSeconds: 120,
    });
    expect(detail.body.drillSchedule).toMatch(/^\d+ \d+ \* \* [0-6]$/);
    expect(JSON.stringify(detail.body)).not.toContain(res.body.agentToken);
    const tokens = await core.api("GET", `/api/v1/projects/${res.body.id}/tokens`);
    expect(JSON.stringify(tokens.body)).not.toContain(res.body.agentToken);
    expect(tokens.body[0]).toMatchObject({ active: true, hint: expect.stringMatching(/^bra_…/) });
  });

  it("lists projects with the summary fields", async () => {
    const res = await core.api("GET", "/api/v1/projects");
    expect(res.status).toBe(200);
    const shop = res.body.find((p: any) => p.name === "shop");
    expect(Object.keys(shop)).toEqual(
      expect.arrayContaining(["id", "name", "status", "lastHeartbeatAt", "lastBackupAt", "storageBytes", "lastDrill"]),
    );
  });

  it("answers 409 for a duplicate name", async () => {
    await core.createProject("dup");
    const res = await core.api("POST", "/api/v1/projects", { body: { name: "dup" } });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain("dup");
  });

  it.each([
    ["malformed JSON", { raw: "{\"name\": " }, /malformed JSON/],
    ["wrong type", { body: { name: "x1", staleAfterSeconds: "60" } }, /staleAfterSeconds must be integer/],
    ["unknown field", { body: { name: "x2", color: "red" } }, /unknown field "color"/],
    ["bad name", { body: { name: "../etc" } }, /name must match pattern/],
    ["bad cron", { body: { name: "x3", drillSchedule: "every monday" } }, /drillSchedule "every monday"/],
    ["negative threshold", { body: { name: "x4", staleAfterSeconds: -5 } }, /staleAfterSeconds must be >= 1/],
  ])("answers 400 for %s", async (_label, options, message) => {
    const res = await core.api("POST", "/api/v1/projects", options as any);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("bad_request");
    expect(res.body.message).toMatch(message);
  });

  it("answers 413 for an oversized body", async () => {
    const res = await core.api("POST", "/api/v1/projects", { raw: JSON.stringify({ name: "big", pad: "x".repeat(300_000) }) });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe("payload_too_large");
  });

  it("answers 404 for an unknown project or route", async () => {
    expect((await core.api("GET", "/api/v1/projects/nope")).status).toBe(404);
    expect((await core.api("PATCH", "/api/v1/projects/nope", { body: { staleAfterSeconds: 5 } })).status).toBe(404);
    expect((await core.api("GET", "/api/v1/nothing-here")).body.error).toBe("not_found");
  });

  it("updates settings and validates them", async () => {
    const p = await core.createProject("settings");
    const ok = await core.api("PATCH", `/api/v1/projects/${p.id}`, {
      body: { staleAfterSeconds: 30, drillSchedule: "15 4 * * 2", assertions: [{ sql: "SELECT count(*) FROM users", op: ">=", value: 1 }] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ staleAfterSeconds: 30, drillSchedule: "15 4 * * 2", assertions: [{ op: ">=", value: 1 }] });
    const bad = await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: {} });
    expect(bad.status).toBe(400);
  });
});

describe("agent tokens", () => {
  it("rotates: the new token works, the old one is refused", async () => {
    const p = await core.createProject("rotate");
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() })).status).toBe(201);
    const rotated = await core.api("POST", `/api/v1/projects/${p.id}/tokens`, { body: {} });
    expect(rotated.status).toBe(201);
    expect(rotated.body.agentToken).not.toBe(p.agentToken);
    const old = await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() });
    expect(old.status).toBe(401);
    expect(old.body.message).toBe("agent token revoked");
    expect((await core.api("POST", "/api/v1/heartbeats", { token: rotated.body.agentToken, body: heartbeat() })).status).toBe(201);
  });

  it("rotates with an overlap: both tokens work until it ends", async () => {
    const p = await core.createProject("overlap");
    const rotated = await core.api("POST", `/api/v1/projects/${p.id}/tokens`, { body: { overlapSeconds: 3600 } });
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() })).status).toBe(201);
    expect((await core.api("POST", "/api/v1/heartbeats", { token: rotated.body.agentToken, body: heartbeat() })).status).toBe(201);
    const list = await core.api("GET", `/api/v1/projects/${p.id}/tokens`);
    expect(list.body.filter((t: any) => t.active)).toHaveLength(2);
    expect(list.body.find((t: any) => t.id !== rotated.body.id).expiresAt).not.toBeNull();
  });

  it("revokes a token, and never another project's token", async () => {
    const a = await core.createProject("revoke-a");
    const b = await core.createProject("revoke-b");
    const aTokens = await core.api("GET", `/api/v1/projects/${a.id}/tokens`);
    const cross = await core.api("DELETE", `/api/v1/projects/${b.id}/tokens/${aTokens.body[0].id}`);
    expect(cross.status).toBe(404);
    expect((await core.api("POST", "/api/v1/heartbeats", { token: a.agentToken, body: heartbeat() })).status).toBe(201);
    const del = await core.api("DELETE", `/api/v1/projects/${a.id}/tokens/${aTokens.body[0].id}`);
    expect(del.status).toBe(204);
    expect((await core.api("POST", "/api/v1/heartbeats", { token: a.agentToken, body: heartbeat() })).status).toBe(401);
  });
});

describe("heartbeats", () => {
  it("records the latest state per database and the history", async () => {
    const p = await core.createProject("hb");
    const sent = new Date();
    const res = await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat({ sentAt: sent }) });
    expect(res.status).toBe(201);
    await core.app.sweeper.idle();
    const detail = await core.api("GET", `/api/v1/projects/${p.id}`);
    expect(detail.body.status).toBe("fresh");
    expect(detail.body.storageBytes).toBe(8192);
    expect(new Date(detail.body.lastBackupAt).getTime()).toBe(sent.getTime() - 1000);
    expect(detail.body.databases).toHaveLength(1);
    expect(detail.body.databases[0]).toMatchObject({
      name: "app",
      path: "/data/app.sqlite3",
      status: "fresh",
      sizeBytes: 4096,
      position: { generation: "abc123", index: 1, offset: 4152 },
      lagSeconds: 0,
      replicas: [{ type: "file", url: "file:///backups/app", storageBytes: 8192, lastError: null }],
    });
    expect(detail.body.databases[0].restoreCommands.litestream).toBe("litestream restore -o /tmp/app-restored.sqlite3 file:///backups/app");
    const history = await core.api("GET", `/api/v1/projects/${p.id}/heartbeats?limit=5`);
    expect(history.body).toHaveLength(1);
    expect(history.body[0].payload.agentVersion).toBe("test");
  });

  it("ignores a heartbeat delivered twice and keeps the newest state when an old one arrives late", async () => {
    const p = await core.createProject("hb-order");
    const now = Date.now();
    const newer = heartbeat({ sentAt: new Date(now), sequence: 2, errors: [] });
    const older = heartbeat({ sentAt: new Date(now - 60_000), sequence: 1, exists: false });
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: newer })).status).toBe(201);
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: newer })).body).toEqual({ ok: true, duplicate: true, heartbeatGraceSeconds: 120 });
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: older })).status).toBe(201);
    await core.app.sweeper.idle();
    const detail = await core.api("GET", `/api/v1/projects/${p.id}`);
    expect(detail.body.databases[0].exists).toBe(true);
    const history = await core.api("GET", `/api/v1/projects/${p.id}/heartbeats`);
    expect(history.body.map((h: any) => h.sequence)).toEqual([2, 1]);
  });

  it.each([
    ["no token", null, heartbeat(), 401],
    ["unknown token", "bra_unknown", heartbeat(), 401],
    ["unknown field", "valid", { ...heartbeat(), extra: 1 }, 400],
    ["missing databases", "valid", { agentVersion: "x", sentAt: new Date().toISOString(), errors: [] }, 400],
    ["bad date", "valid", { ...heartbeat(), sentAt: "yesterday" }, 400],
  ])("refuses %s", async (_label, token, body, status) => {
    const p = await core.createProject(`hb-bad-${status}-${Math.random().toString(36).slice(2, 8)}`);
    const res = await core.api("POST", "/api/v1/heartbeats", { token: token === "valid" ? p.agentToken : token, body });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  });

  it("a token only ever touches its own project", async () => {
    const a = await core.createProject("own-a");
    const b = await core.createProject("own-b");
    await core.api("POST", "/api/v1/heartbeats", { token: a.agentToken, body: heartbeat() });
    await core.app.sweeper.idle();
    expect((await core.api("GET", `/api/v1/projects/${b.id}`)).body.databases).toEqual([]);
    expect((await core.api("GET", `/api/v1/projects/${a.id}`, { token: a.agentToken })).status).toBe(401);
    const cfg = await core.api("GET", "/api/v1/agent/config", { token: a.agentToken });
    expect(cfg.status).toBe(200);
    expect(cfg.body).toMatchObject({ projectId: a.id, projectName: "own-a", storage: null });
  });
});

describe("secrets in logs", () => {
  it("never writes tokens to the log", async () => {
    const p = await core.createProject("logs");
    await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() });
    await core.api("POST", "/api/v1/heartbeats", { token: "bra_wrongwrongwrong", body: heartbeat() });
    const logs = core.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(p.agentToken);
    expect(logs).not.toContain(core.adminToken);
    expect(logs).not.toContain("bra_wrongwrongwrong");
  });
});
