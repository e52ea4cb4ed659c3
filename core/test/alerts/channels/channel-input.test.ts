// What the channel routes take and say, through a real core on loopback:
// secrets with a pasted newline are trimmed, ones no HTTP header can carry are
// refused (400 naming `secret`) on create and update; a type change that the
// stored target does not suit never echoes that target; a changed secret key
// is named as the cause (and counted once at start); an unknown projectId is a 404.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../../support/core-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { startServer } from "../../../src/server/start.ts";
import { createHash } from "node:crypto";
import Sqlite from "better-sqlite3";
import { databaseFile } from "../../../src/store/db.ts";
import { KEY_CHECK_SETTING, keyCheckValue } from "../../../src/store/secret-key-check.ts";
import { trimmedSecret } from "../../../src/alerts/channels/secret-rules.ts";
import { send } from "../../../src/alerts/channels.ts";
import { PermanentDeliveryError } from "../../../src/alerts/errors.ts";
import { LOOPBACK, opened } from "./contexts.ts";

const TG = "123456789:AASECRETweik6ad6PsVMRxjeQKqOsUNfmBDg";
let core: TestCore;
let receiver: WebhookReceiver;
beforeAll(async () => {
  core = await startTestCore();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await core?.close();
  await receiver?.close();
});

const base = () => receiver.url.replace(/\/hook$/, "");

describe("channel secrets", () => {
  it("trimmedSecret trims, and names the position and code point of a bad character, never the secret", () => {
    expect(trimmedSecret("  syt_abc\n", { required: true, help: "", inHeader: true })).toBe("syt_abc");
    expect(() => trimmedSecret("abcdé€", { required: true, help: "", inHeader: true })).toThrow(/^secret: character 5 \(U\+00E9\)/);
    expect(() => trimmedSecret("tk_1\r\nX-Evil: 1", { required: false, help: "", inHeader: true })).toThrow(/^secret: character 5 \(U\+000D\)/);
    // A webhook's signing secret never goes in a header: non-ASCII is fine, controls are not.
    expect(trimmedSecret("signé-secret-0123456", { required: false, help: "" })).toBe("signé-secret-0123456");
    expect(() => trimmedSecret("sig\u0007ned-secret-0123", { required: false, help: "" })).toThrow(/^secret: character 4/);
  });

  it("a pasted trailing newline is trimmed: the channel is created and its test send works", async () => {
    const created = await core.api("POST", "/api/v1/alert-channels", { body: { type: "matrix", target: `${base()}/!room:example.org`, secret: "syt_abc_0123456\n" } });
    expect(created.status).toBe(201);
    const before = receiver.received.length;
    const tested = await core.api("POST", `/api/v1/alert-channels/${created.body.id}/test`);
    expect(tested.body).toMatchObject({ ok: true });
    expect(receiver.received[before].headers.authorization).toBe("Bearer syt_abc_0123456");
  });

  it.each([
    ["ntfy", "/borela", "tk_token0123\r\nX-Evil: 1"],
    ["gotify", "/", "abcdé€0123456"],
    ["matrix", "/!room:example.org", "syt_ab\tc0123456"],
  ])("a %s token no header can carry is refused with a 400 naming secret, on create and on update", async (type, suffix, secret) => {
    const created = await core.api("POST", "/api/v1/alert-channels", { body: { type, target: `${base()}${suffix}`, secret } });
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/^secret: character \d+ \(U\+[0-9A-F]{4}\) cannot be used: it is sent in an HTTP header/);
    expect(created.body.message).not.toContain(secret.slice(0, 6));
    const good = await core.api("POST", "/api/v1/alert-channels", { body: { type, target: `${base()}${suffix}`, secret: "good_token_0123456" } });
    expect(good.status).toBe(201);
    const updated = await core.api("PATCH", `/api/v1/alert-channels/${good.body.id}`, { body: { secret } });
    expect(updated.status).toBe(400);
    expect(updated.body.message).toMatch(/^secret: /);
  });
});

describe("a secret stored before secrets were checked", () => {
  it("fails permanently, naming the header and what to do, without the secret, and nothing is sent", async () => {
    const before = receiver.received.length;
    const err = await send({ id: "c", type: "ntfy", target: `${base()}/borela`, secret: "tk_old\r\nX-Evil: 1" }, opened(), LOOPBACK).catch((e: Error) => e);
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect((err as Error).message).toContain("the authorization header (the channel's secret) holds a line break");
    expect((err as Error).message).not.toContain("tk_old");
    expect(receiver.received.length).toBe(before);
  });
});

describe("a type change the stored target does not suit", () => {
  it("is a 400 that shows the stored target in its display form only", async () => {
    const created = await core.api("POST", "/api/v1/alert-channels", { body: { type: "telegram", target: `${base()}/fail/${TG}/-100123` } });
    expect(created.status).toBe(201);
    const res = await core.api("PATCH", `/api/v1/alert-channels/${created.body.id}`, { body: { type: "email" } });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("the stored target");
    expect(res.body.message).toContain(created.body.target);
    expect(res.body.message).not.toContain("AASECRET");
  });

  it("needs a new target whatever the new type (retest19: slack → gotify showed the whole Slack URL)", async () => {
    const slackUrl = `${base()}/services/T0AAAA/B0BBBB/RealSlackSecret123`;
    const created = await core.api("POST", "/api/v1/alert-channels", { body: { type: "slack", target: slackUrl } });
    expect(created.status).toBe(201);
    const res = await core.api("PATCH", `/api/v1/alert-channels/${created.body.id}`, { body: { type: "gotify", secret: "abcdefgh12345" } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^target: required when the type changes/);
    expect(JSON.stringify(res.body)).not.toContain("RealSlackSecret123");
  });

  it("refuses a kept secret the new type cannot send (a webhook's signing secret with a space, to gotify)", async () => {
    const created = await core.api("POST", "/api/v1/alert-channels", { body: { type: "webhook", target: `${base()}/hook`, secret: "my signing secret with spaces" } });
    expect(created.status).toBe(201);
    const res = await core.api("PATCH", `/api/v1/alert-channels/${created.body.id}`, { body: { type: "gotify", target: `${base()}/gotify` } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^secret: the stored secret does not suit a gotify channel/);
    expect(res.body.message).not.toContain("my signing secret");
  });
});

describe("GET /api/v1/alert-channels?projectId", () => {
  it("is a 404 naming projectId for an unknown project; [] for a known one without channels", async () => {
    const res = await core.api("GET", "/api/v1/alert-channels?projectId=zzz");
    expect(res.status).toBe(404);
    expect(res.body.message).toContain("projectId");
    const p = await core.createProject("nochannels");
    expect((await core.api("GET", `/api/v1/alert-channels?projectId=${p.id}`)).body).toEqual([]);
    expect((await core.api("GET", "/api/v1/alert-channels?projectId=operator")).status).toBe(200);
  });
});

describe("a data dir whose secret key changed", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("a test send names the key as the cause, and the core warns once at start with a count", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "borela-key-"));
    dirs.push(dataDir);
    const start = async (key: string) => {
      const logStream = new PassThrough();
      let logs = "";
      logStream.on("data", (d) => (logs += d.toString()));
      const env = { BORELA_ADMIN_TOKEN: "bradm_test_key_change", BORELA_SECRET_KEY: key, BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true", BORELA_LOG_LEVEL: "info" };
      const server = await startServer({ env, dataDir, host: "127.0.0.1", port: 0, logStream });
      const api = async (method: string, url: string, body?: unknown) => {
        const res = await fetch(server.url + url, { method, headers: { authorization: "Bearer bradm_test_key_change", ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
        return { status: res.status, body: (await res.json()) as any };
      };
      return { server, api, logs: () => logs };
    };
    const first = await start("first-key-0123456789");
    const created = await first.api("POST", "/api/v1/alert-channels", { type: "ntfy", target: `${base()}/borela`, secret: "tk_token_0123456789" });
    expect(created.status).toBe(201);
    expect(first.logs()).not.toContain("cannot be decrypted");
    await first.server.close();
    // A start with another key is refused (store/secret-key-check.ts); what stays possible is a channel row
    // sealed under a key other than the store's (copied from another store): the check value says "second".
    const db = new Sqlite(databaseFile(dataDir));
    db.prepare(`UPDATE "Setting" SET value = ? WHERE key = ?`).run(keyCheckValue(createHash("sha256").update("second-key-0123456789").digest()), KEY_CHECK_SETTING);
    db.close();

    const second = await start("second-key-0123456789");
    try {
      const warnings = second.logs().split("\n").filter((l) => l.includes("cannot be decrypted with this core's secret key"));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0]).count).toBe(2);
      expect(second.logs()).not.toContain("tk_token_0123456789");
      const tested = await second.api("POST", `/api/v1/alert-channels/${created.body.id}/test`);
      expect(tested.status).toBe(502);
      expect(tested.body.message).toContain("cannot be decrypted with this core's secret key (BORELA_SECRET_KEY");
      expect(tested.body.message).not.toContain("Unsupported state");
    } finally {
      await second.server.close();
    }
  });
});
