// Attack (issue 13, "Operator keys handed out"): in managed mode without
// BORELA_S3_ROLE_ARN, GET /api/v1/agent/config returned the operator's own S3
// keys to every agent; with them one project listed the whole bucket, read and
// restored another project's rows, and wrote into its prefix.
//
// Now, on a real S3 server that enforces policies (MinIO, scripts/install-minio.sh;
// its root user plays the operator):
// - without a role and without keys attached to the project, the config is a
//   409 saying what the operator must do, a real agent reports it and starts no
//   Litestream, and the dashboard's project settings show it;
// - keys an admin attached are what the agent gets (never the operator's own);
// - with BORELA_S3_ROLE_ARN each agent gets AssumeRole credentials limited to
//   its prefix: project A's cannot list the bucket, read or restore B's rows,
//   or write into B's prefix, while B's restore the same rows fine.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { minioClient, s3Outcome, startMinio, type MinioServer } from "../../core/test/storage/minio.ts";
import { runAgent, startHarness, waitForStatus, type Harness, type TestAgent } from "../../core/test/agent/harness.ts";
import { createDatabase, countRows } from "../../core/test/litestream/live.ts";
import { startSqliteWriter } from "../../core/test/support/sqlite-writer.ts";
import { restore } from "../../core/src/litestream/commands.ts";
import type { AgentConfigResponse } from "../../core/src/protocol.ts";
import type { ReplicaTarget } from "../../core/src/litestream/replica-url.ts";
import { ensureDashboardBuilt } from "../../dashboard/test/support/build.ts";
import { launchBrowser, type TestBrowser } from "../../dashboard/test/support/browser.ts";

const BUCKET = "borela-managed";
const SHOTS = path.resolve(import.meta.dirname, "..", "..", ".artifacts", "screenshots");
let minio: MinioServer;
beforeAll(async () => {
  minio = await startMinio();
  await minio.createBucket(BUCKET);
}, 90_000);
afterAll(() => minio?.stop());

function operatorEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    BORELA_S3_BUCKET: BUCKET,
    BORELA_S3_ENDPOINT: minio.endpoint,
    BORELA_S3_REGION: "us-east-1",
    BORELA_S3_ACCESS_KEY_ID: minio.rootUser,
    BORELA_S3_SECRET_ACCESS_KEY: minio.rootPassword,
    BORELA_S3_FORCE_PATH_STYLE: "true",
    ...extra,
  };
}

describe("managed mode without BORELA_S3_ROLE_ARN", () => {
  let h: Harness;
  let agent: TestAgent | null = null;
  let browser: TestBrowser | null = null;
  beforeAll(async () => {
    h = await startHarness(operatorEnv());
  });
  afterAll(async () => {
    await agent?.stop();
    await browser?.close();
    await h?.close();
  });

  it("GET /api/v1/agent/config never contains the operator's keys: a 409 that says what the operator must do", async () => {
    const a = await h.core.createProject("sec-keys-a");
    const res = await h.core.api("GET", "/api/v1/agent/config", { token: a.agentToken });
    expect(JSON.stringify(res.body)).not.toContain(minio.rootPassword);
    expect(JSON.stringify(res.body)).not.toContain(minio.rootUser);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe("managed_storage_refused");
    expect(res.body.message).toContain('managed storage is refused for project "sec-keys-a"');
    expect(res.body.message).toContain("BORELA_S3_ROLE_ARN");
    expect(res.body.message).toContain(`PUT /api/v1/projects/${a.id}/agent-storage-keys`);
    const state = await h.core.api("GET", `/api/v1/projects/${a.id}/agent-storage-keys`);
    expect(state.body).toMatchObject({ source: "refused", message: res.body.message, keys: null });
    expect((await h.core.api("GET", `/api/v1/projects/${a.id}/agent-storage-keys`, { token: a.agentToken })).status).toBe(401);
  });

  it("a real agent reports the refusal as its error and starts no Litestream; the operator's secret is nowhere", async () => {
    const p = await h.core.createProject("sec-keys-agent", { staleAfterSeconds: 5, heartbeatGraceSeconds: 10 });
    const dbPath = path.join(h.dir.path, "refused.sqlite3");
    createDatabase(dbPath, 3);
    agent = await runAgent({ server: h.core.url, token: p.agentToken, databases: [dbPath], dir: h.dir.path, env: { BORELA_LITESTREAM_VERSION: "0.3" } });
    const e = await waitForStatus(h.core, p.id, "error", 15_000, (x) => x.statusReasons.join("\n").includes("managed storage is refused"));
    expect(e.statusReasons.join("\n")).toContain("BORELA_S3_ROLE_ARN");
    expect(agent.agent.supervisor!.status().running).toBe(false);
    expect(agent.logs.join("")).not.toContain(minio.rootPassword);
    expect(h.core.logs()).not.toContain(minio.rootPassword);
  });

  it("the operator's own key is refused as a project's agent keys; attached keys are what the agent gets", async () => {
    const p = await h.core.createProject("sec-keys-attached");
    const own = await h.core.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body: { accessKeyId: minio.rootUser, secretAccessKey: minio.rootPassword } });
    expect(own.status).toBe(400);
    expect(own.body.message).toMatch(/^body\/accessKeyId is the operator's own key/);
    const put = await h.core.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body: { accessKeyId: "PROJECTKEY01", secretAccessKey: "project-secret-01" } });
    expect(put.status).toBe(204);
    const cfg = await h.core.api<AgentConfigResponse>("GET", "/api/v1/agent/config", { token: p.agentToken });
    expect(cfg.status).toBe(200);
    expect(cfg.body.storage).toMatchObject({ accessKeyId: "PROJECTKEY01", secretAccessKey: "project-secret-01", sessionToken: null, expiresAt: null });
    expect(cfg.body.storage!.urlPrefix).toMatch(new RegExp(`^s3://${BUCKET}/sec-keys-attached-[a-z0-9]{8}$`));
    const state = await h.core.api("GET", `/api/v1/projects/${p.id}/agent-storage-keys`);
    expect(state.body).toMatchObject({ source: "agent-keys", keys: { accessKeyIdHint: "PROJ…01" } });
    expect(JSON.stringify(state.body)).not.toContain("project-secret-01");
    expect(h.core.logs()).not.toContain("project-secret-01");
    expect((await h.core.api("DELETE", `/api/v1/projects/${p.id}/agent-storage-keys`)).status).toBe(204);
    expect((await h.core.api("GET", "/api/v1/agent/config", { token: p.agentToken })).status).toBe(409);
  });

  it("the dashboard's project settings show the refusal, and the attached keys once an admin attaches them", async () => {
    await ensureDashboardBuilt();
    const p = await h.core.createProject("sec-keys-dashboard");
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    await page.goto(`${h.core.url}/`);
    const signIn = page.getByRole("region", { name: "Sign in to Borela" });
    await signIn.getByLabel("Admin token").fill(h.core.adminToken);
    await signIn.getByLabel("Admin token").press("Enter");
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.goto(`${h.core.url}/projects/${p.id}/settings`);
    const panel = page.getByRole("region", { name: "Managed storage" });
    const refusal = panel.getByRole("alert");
    await expect.poll(() => refusal.textContent(), { timeout: 15_000 }).toContain('managed storage is refused for project "sec-keys-dashboard"');
    expect(await refusal.textContent()).toContain("BORELA_S3_ROLE_ARN");
    await mkdir(SHOTS, { recursive: true });
    await panel.screenshot({ path: path.join(SHOTS, "managed-storage-refused.png") });
    await panel.getByLabel("Access key id").fill("DASHKEY0001");
    await panel.getByLabel("Secret access key").fill("dash-secret-0001");
    await panel.getByRole("button", { name: "Attach keys" }).click();
    await expect.poll(() => panel.locator("[data-managed-source]").getAttribute("data-managed-source"), { timeout: 15_000 }).toBe("agent-keys");
    expect(await panel.textContent()).toContain("DASH…01");
    await panel.screenshot({ path: path.join(SHOTS, "managed-storage-keys.png") });
    expect(await panel.textContent()).not.toContain("dash-secret-0001");
    const cfg = await h.core.api<AgentConfigResponse>("GET", "/api/v1/agent/config", { token: p.agentToken });
    expect(cfg.body.storage?.accessKeyId).toBe("DASHKEY0001");
    await page.close();
  }, 120_000);
});

describe("managed mode with BORELA_S3_ROLE_ARN on MinIO", () => {
  let h: Harness;
  let agent: TestAgent | null = null;
  beforeAll(async () => {
    h = await startHarness(operatorEnv({ BORELA_S3_ROLE_ARN: "arn:minio:iam:::role/borela-agents" }));
  });
  afterAll(async () => {
    await agent?.stop();
    await h?.close();
  });

  const client = (storage: NonNullable<AgentConfigResponse["storage"]>) => minioClient(minio, storage);
  const outcome = s3Outcome;

  it("project A's credentials cannot list the bucket, read or restore B's rows, or write into B's prefix", async () => {
    const b = await h.core.createProject("sec-role-b", { staleAfterSeconds: 5, heartbeatGraceSeconds: 10 });
    const a = await h.core.createProject("sec-role-a");
    const dbPath = path.join(h.dir.path, "victim.sqlite3");
    createDatabase(dbPath, 10);
    agent = await runAgent({ server: h.core.url, token: b.agentToken, databases: [dbPath], dir: h.dir.path, env: { BORELA_LITESTREAM_VERSION: "0.3" } });
    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 20, durationMs: 1500 });
    await writer.exited;
    const stoppedAt = Date.now();
    // "fresh" allows a change pending for less than staleAfterSeconds: wait for the replica to have caught up
    // with the database's position, in a heartbeat sampled after the writer's last row had reached the shadow WAL.
    const fresh = await waitForStatus(h.core, b.id, "fresh", 30_000, (x) => {
      const d = x.databases[0];
      const r = d?.replicas[0];
      return (
        (r?.storageBytes ?? 0) > 0 &&
        Date.parse(x.lastHeartbeatAt ?? "") > stoppedAt + 3000 &&
        !!d.position &&
        r?.position?.generation === d.position.generation &&
        r.position.index === d.position.index &&
        r.position.offset === d.position.offset
      );
    });
    const victimUrl = fresh.databases[0].replicas[0].url;
    const victimPath = victimUrl.replace(`s3://${BUCKET}/`, "");
    const victimPrefix = victimPath.split("/")[0];
    const rows = countRows(dbPath, "events");

    const cfgA = await h.core.api<AgentConfigResponse>("GET", "/api/v1/agent/config", { token: a.agentToken });
    const cfgB = await h.core.api<AgentConfigResponse>("GET", "/api/v1/agent/config", { token: b.agentToken });
    expect(cfgA.status).toBe(200);
    const storageA = cfgA.body.storage!;
    const storageB = cfgB.body.storage!;
    expect(JSON.stringify([cfgA.body, cfgB.body])).not.toContain(minio.rootPassword);
    expect(storageA.accessKeyId).not.toBe(minio.rootUser);
    expect(storageA.sessionToken).toBeTruthy();

    const s3a = client(storageA);
    try {
      expect(await outcome(s3a.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toBe("AccessDenied");
      expect(await outcome(s3a.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${victimPrefix}/` })))).toBe("AccessDenied");
      expect(await outcome(s3a.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${victimPath}/planted`, Body: "x" })))).toBe("AccessDenied");
      const ownPrefix = storageA.urlPrefix.replace(`s3://${BUCKET}/`, "");
      expect(await outcome(s3a.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${ownPrefix}/app/ok`, Body: "x" })))).toBe("allowed");
    } finally {
      s3a.destroy();
    }

    const target = (s: NonNullable<AgentConfigResponse["storage"]>): ReplicaTarget => ({
      type: "s3",
      bucket: BUCKET,
      path: victimPath,
      endpoint: minio.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken, expiresAt: s.expiresAt },
    });
    await expect(restore({ replica: target(storageA) }, { outputPath: path.join(h.dir.path, "stolen.sqlite3"), timeoutMs: 60_000 })).rejects.toThrow(/AccessDenied|Access Denied/);
    const own = path.join(h.dir.path, "restored-by-b.sqlite3");
    await restore({ replica: target(storageB) }, { outputPath: own, timeoutMs: 60_000 });
    expect(countRows(own, "events")).toBe(rows);
  }, 120_000);
});
