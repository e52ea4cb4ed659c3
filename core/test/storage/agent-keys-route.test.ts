// PUT/GET/DELETE /api/v1/projects/:id/agent-storage-keys on a real core and
// store: admin only, validated, encrypted at rest, never shown back, gone with
// the project; GET says where the agent's credentials come from.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";

const OPERATOR = { BORELA_S3_BUCKET: "borela-managed", BORELA_S3_ENDPOINT: "http://127.0.0.1:9", BORELA_S3_ACCESS_KEY_ID: "OPERATORKEY", BORELA_S3_SECRET_ACCESS_KEY: "operator-secret" };
const KEYS = { accessKeyId: "PROJECTKEY42", secretAccessKey: "project-secret-42" };

describe("agent storage keys without a role", () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore(OPERATOR);
  });
  afterAll(() => core?.close());

  it("are stored encrypted, shown as a hint, replaced by a second PUT, and removed with the project", async () => {
    const p = await core.createProject("keys-stored");
    expect((await core.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body: KEYS })).status).toBe(204);
    const row = await core.store.agentStorageKey.findUniqueOrThrow({ where: { projectId: p.id } });
    expect(JSON.stringify(row)).not.toContain("PROJECTKEY42");
    expect(JSON.stringify(row)).not.toContain("project-secret-42");
    const state = await core.api("GET", `/api/v1/projects/${p.id}/agent-storage-keys`);
    expect(state.body).toMatchObject({ source: "agent-keys", message: "agents use the keys attached to this project", keys: { accessKeyIdHint: "PROJ…42" } });
    expect(state.body.prefix).toMatch(/^s3:\/\/borela-managed\/keys-stored-[a-z0-9]{8}\/$/);
    expect(JSON.stringify(state.body)).not.toContain("project-secret-42");

    await core.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body: { accessKeyId: "SECONDKEY77", secretAccessKey: "second-secret-77" } });
    const cfg = await core.api("GET", "/api/v1/agent/config", { token: p.agentToken });
    expect(cfg.body.storage).toMatchObject({ accessKeyId: "SECONDKEY77", secretAccessKey: "second-secret-77" });
    expect(await core.store.agentStorageKey.count({ where: { projectId: p.id } })).toBe(1);

    expect((await core.api("DELETE", `/api/v1/projects/${p.id}`)).status).toBeLessThan(300);
    expect(await core.store.agentStorageKey.count({ where: { projectId: p.id } })).toBe(0);
    expect(core.logs()).not.toContain("second-secret-77");
  });

  it.each([
    ["an unknown field", { ...KEYS, bucket: "other" }, /body has unknown field "bucket"/],
    ["a short secret", { ...KEYS, secretAccessKey: "short" }, /^body\/secretAccessKey /],
    ["a space in the key id", { ...KEYS, accessKeyId: "KEY WITH SPACE" }, /^body\/accessKeyId /],
    ["a missing secret", { accessKeyId: "PROJECTKEY42" }, /secretAccessKey/],
  ])("refuses %s with a 400 naming the field", async (_label, body, message) => {
    const p = await core.createProject(`keys-bad-${Math.random().toString(36).slice(2, 8)}`);
    const res = await core.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(await core.store.agentStorageKey.count({ where: { projectId: p.id } })).toBe(0);
  });

  it("is admin only and 404 for an unknown project", async () => {
    const p = await core.createProject("keys-auth");
    expect((await core.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body: KEYS, token: p.agentToken })).status).toBe(401);
    expect((await core.api("GET", `/api/v1/projects/${p.id}/agent-storage-keys`, { token: null })).status).toBe(401);
    expect((await core.api("PUT", `/api/v1/projects/01jnotaproject0000000000000/agent-storage-keys`, { body: KEYS })).status).toBe(404);
  });
});

describe("agent storage keys with a role, and without managed storage", () => {
  let withRole: TestCore;
  let off: TestCore;
  beforeAll(async () => {
    withRole = await startTestCore({ ...OPERATOR, BORELA_S3_ROLE_ARN: "arn:aws:iam::123456789012:role/borela" });
    off = await startTestCore();
  });
  afterAll(async () => {
    await withRole?.close();
    await off?.close();
  });

  it("says the role is used and attached keys are not", async () => {
    const p = await withRole.createProject("keys-role");
    await withRole.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body: KEYS });
    const state = await withRole.api("GET", `/api/v1/projects/${p.id}/agent-storage-keys`);
    expect(state.body.source).toBe("role");
    expect(state.body.message).toBe("agents get short-lived credentials from AssumeRole arn:aws:iam::123456789012:role/borela, limited to their prefix (the attached keys are not used while a role is set)");
  });

  it("says there is no managed storage, and agent config stays 200 with storage null", async () => {
    const p = await off.createProject("keys-off");
    const state = await off.api("GET", `/api/v1/projects/${p.id}/agent-storage-keys`);
    expect(state.body).toMatchObject({ source: "off", prefix: null, keys: null });
    expect(state.body.message).toContain("BORELA_REPLICA_URL");
    const cfg = await off.api("GET", "/api/v1/agent/config", { token: p.agentToken });
    expect(cfg.status).toBe(200);
    expect(cfg.body.storage).toBeNull();
  });
});
