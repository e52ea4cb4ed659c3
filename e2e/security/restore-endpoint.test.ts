// Security tester, issue 13 follow-up: the restore commands kept an agent-reported `?endpoint=` (and
// region): `s3://prod-backups/app?endpoint=http://127.0.0.1:19100&region=us-east-1` was shown to admins
// (API, Slack, Discord, email), and pasting it sent the admin's AWS key id to the attacker's endpoint.
// Now the endpoint in a restore command comes from the core: BORELA_S3_* for managed replicas, the stored
// storage credentials for bring-your-own S3, and none (with a note) when neither applies.
// A real core on 127.0.0.1; nothing listens on the trap port, the commands are pasted into bash with a stub.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../core/test/support/webhook-receiver.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";

const TRAP = "127.0.0.1:19100";
const ATTACK = `s3://prod-backups/app?endpoint=http://${TRAP}&region=us-east-1`;
const MANAGED_ENDPOINT = "http://127.0.0.1:19200";

let core: TestCore;
let receiver: WebhookReceiver;
let dir: string;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  core = await startTestCore({
    BORELA_ALERT_CONFIRM_SECONDS: "0,stale=0,silent=0",
    BORELA_S3_BUCKET: "managed-bucket",
    BORELA_S3_ENDPOINT: MANAGED_ENDPOINT,
    BORELA_S3_REGION: "eu-central-1",
    BORELA_S3_ACCESS_KEY_ID: "operator-key-id",
    BORELA_S3_SECRET_ACCESS_KEY: "operator-secret-key",
  });
  dir = mkdtempSync(path.join(tmpdir(), "borela-sec-endpoint-"));
  writeFileSync(path.join(dir, "litestream"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${dir}/args"\n`);
  chmodSync(path.join(dir, "litestream"), 0o755);
});
afterAll(async () => {
  await core?.close();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The arguments a pasted command gives litestream (a stub that records them). */
function pasted(command: string): string[] {
  const res = spawnSync("bash", ["-c", command], { encoding: "utf8", env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir } });
  expect(res.status, res.stderr).toBe(0);
  return readFileSync(path.join(dir, "args"), "utf8").split("\n").slice(0, -1);
}

async function reportAndRead(project: { id: string; agentToken: string }, url: string, errors: string[] = []) {
  const hb = heartbeat({ errors }) as any;
  hb.databases[0].replicas[0].url = url;
  const res = await core.api("POST", "/api/v1/heartbeats", { token: project.agentToken, body: hb });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (await core.api("GET", `/api/v1/projects/${project.id}`)).body.databases[0].restoreCommands.litestream as string;
}

describe("restore commands never carry an endpoint from the heartbeat", () => {
  it("bring-your-own S3 without stored credentials: the URL without endpoint, and a note saying it must be supplied", async () => {
    const p = await core.createProject("sec-endpoint-byo");
    const command = await reportAndRead(p, ATTACK);
    expect(command).not.toContain("19100");
    expect(command).toContain("# endpoint unknown");
    expect(pasted(command)).toEqual(["restore", "-o", "/tmp/app-restored.sqlite3", "s3://prod-backups/app"]);
  });

  it("bring-your-own S3 with stored credentials: the endpoint and region an admin stored", async () => {
    const p = await core.createProject("sec-endpoint-stored");
    const put = await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, {
      body: { bucket: "prod-backups", endpoint: "https://s3.admin.example", region: "eu-west-3", accessKeyId: "admin-key", secretAccessKey: "admin-secret-key" },
    });
    expect(put.status).toBe(204);
    const command = await reportAndRead(p, ATTACK);
    expect(command).not.toContain("19100");
    expect(command).not.toContain("#");
    expect(pasted(command)).toEqual(["restore", "-o", "/tmp/app-restored.sqlite3", "s3://prod-backups/app?endpoint=https%3A%2F%2Fs3.admin.example&region=eu-west-3&forcePathStyle=true"]);
    // A URL in another bucket than the stored one gets no endpoint either.
    const other = await reportAndRead(p, `s3://elsewhere/app?endpoint=http://${TRAP}`);
    expect(other).not.toContain("19100");
    expect(other).toContain("# endpoint unknown");
  });

  it("managed replica: the operator's BORELA_S3_ENDPOINT and region, whatever the heartbeat says", async () => {
    const p = await core.createProject("sec-endpoint-managed");
    const { storagePrefix } = await core.store.project.findUniqueOrThrow({ where: { id: p.id } });
    const command = await reportAndRead(p, `s3://managed-bucket/${storagePrefix}/app?endpoint=http://${TRAP}&region=us-east-1`);
    expect(command).not.toContain("19100");
    expect(pasted(command)).toEqual([
      "restore",
      "-o",
      "/tmp/app-restored.sqlite3",
      `s3://managed-bucket/${storagePrefix}/app?endpoint=${encodeURIComponent(MANAGED_ENDPOINT)}&region=eu-central-1&forcePathStyle=true`,
    ]);
    // A host-borne endpoint (bucket.localhost:PORT, as Litestream 0.3 reads hosts) is dropped too.
    const hosted = await reportAndRead(p, `s3://prod-backups.localhost:19100/app`);
    expect(hosted).not.toContain("19100");
  });

  it("Slack and Discord alerts show the same commands, without the reported endpoint", async () => {
    const p = await core.createProject("sec-endpoint-chat");
    for (const type of ["slack", "discord"]) {
      const res = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type, target: `${receiver.url}/${type}` } });
      expect(res.status).toBe(201);
    }
    await reportAndRead(p, ATTACK, ["litestream: access denied"]);
    await waitFor(
      async () => {
        await core.app.sweeper.idle();
        await core.alerts.tick();
        return receiver.received.filter((r) => /\/(slack|discord)$/.test(r.path)).length >= 2;
      },
      { timeoutMs: 20_000, what: "the Slack and Discord alerts" },
    );
    for (const type of ["slack", "discord"]) {
      const body = receiver.received.find((r) => r.path.endsWith(`/${type}`))!.body;
      expect(body).toContain("s3://prod-backups/app");
      expect(body).not.toContain("19100");
    }
  });
});
