// Security tester, issue 13 follow-up: PUT /api/v1/projects/:id/agent-storage-keys refused the operator's
// own access key id but not the operator's secret key under another id; GET /api/v1/agent/config then gave
// the operator's secret to the agent. Now that secret is refused too (compared in constant time), with a
// 400 naming the field, and nothing is stored. A real core on 127.0.0.1 in managed mode without a role.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";

const OPERATOR_KEY = "OPERATORKEY01";
const OPERATOR_SECRET = "operator-secret-do-not-share";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({
    BORELA_S3_BUCKET: "managed-bucket",
    BORELA_S3_ENDPOINT: "http://127.0.0.1:19300",
    BORELA_S3_ACCESS_KEY_ID: OPERATOR_KEY,
    BORELA_S3_SECRET_ACCESS_KEY: OPERATOR_SECRET,
  });
});
afterAll(async () => {
  await core?.close();
});

describe("agent storage keys cannot carry the operator's secret", () => {
  it("the operator's secret under another key id is a 400 naming secretAccessKey, and the agent never gets it", async () => {
    const p = await core.createProject("sec-agent-keys-secret");
    const put = await core.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body: { accessKeyId: "ANOTHERKEY01", secretAccessKey: OPERATOR_SECRET } });
    expect(put.status).toBe(400);
    expect(put.body.message).toMatch(/^body\/secretAccessKey is the operator's own secret key \(BORELA_S3_SECRET_ACCESS_KEY\)/);
    expect(JSON.stringify(put.body)).not.toContain(OPERATOR_SECRET);
    expect((await core.api("GET", `/api/v1/projects/${p.id}/agent-storage-keys`)).body.keys).toBeNull();

    const cfg = await core.api("GET", "/api/v1/agent/config", { token: p.agentToken });
    expect(JSON.stringify(cfg.body)).not.toContain(OPERATOR_SECRET);
    expect(cfg.status).toBe(409);

    // Keys of the project's own are attached and handed out as before.
    const own = await core.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body: { accessKeyId: "PROJECTKEY01", secretAccessKey: "project-secret-01" } });
    expect(own.status).toBe(204);
    const attached = await core.api("GET", "/api/v1/agent/config", { token: p.agentToken });
    expect(attached.status).toBe(200);
    expect(JSON.stringify(attached.body)).toContain("project-secret-01");
    expect(JSON.stringify(attached.body)).not.toContain(OPERATOR_SECRET);
    expect(core.logs()).not.toContain(OPERATOR_SECRET);
  });
});
