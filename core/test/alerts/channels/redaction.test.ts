// A receiver's error answer may quote the channel's secrets (ntfy echoing the
// bearer token, an Express 404 "Cannot POST /hooks/<secret path>"). Before an
// upstream error is logged, stored (Delivery.log) or returned (test send),
// every secret of the channel is replaced and the text is cut. Receivers are
// loopback stand-ins answering as those servers do.
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { startTestCore, type TestCore } from "../../support/core-server.ts";
import { createLogger } from "../../../src/logger.ts";
import { encryptSecret } from "../../../src/store/secrets.ts";
import { newId } from "../../../src/store/ids.ts";
import { send } from "../../../src/alerts/channels.ts";
import { channelSecrets } from "../../../src/alerts/channels/channel-secrets.ts";
import { sendHttp } from "../../../src/alerts/channels/http.ts";
import { alertConfig, clock, deliveriesOf, dispatcher, open, SECRET_KEY, seedProject, tempStore, type TestStore } from "../fixtures.ts";
import { LOOPBACK, opened } from "./contexts.ts";

const TOKEN = "tk_SECRETntfytoken0123456789";
const HOOK = "SECRETPATHabcdefghijklmnopq";
let receiver: WebhookReceiver | null = null;
let db: TestStore | null = null;
let core: TestCore | null = null;
afterEach(async () => {
  await receiver?.close();
  await db?.close();
  await core?.close();
  receiver = db = core = null;
});

/** Answers as ntfy does to a refused token, and as Express does to an unknown path, quoting what it was given. */
function echoing(hook: { path: string; headers: Record<string, unknown> }): string {
  return hook.path.startsWith("/hooks/") ? `<pre>Cannot POST ${hook.path}</pre>` : JSON.stringify({ code: 40101, error: `unauthorized with auth ${String(hook.headers.authorization)} on ${hook.path}` });
}

describe("secrets in a provider's error answer", () => {
  it("channelSecrets: the secret, the whole target and the parts the display form hides", () => {
    const s = channelSecrets({ id: "c", type: "mattermost", target: `https://chat.example.com/hooks/${HOOK}?x=QUERYVALUE1`, secret: null });
    expect(s).toContain(HOOK);
    expect(s).toContain("QUERYVALUE1");
    expect(s).toContain(`https://chat.example.com/hooks/${HOOK}?x=QUERYVALUE1`);
    expect(s).not.toContain("hooks");
    expect(channelSecrets({ id: null, type: "email", target: "ops@example.com", secret: null })).toEqual([]);
  });

  it("are redacted from what send() throws (ntfy token, Mattermost path), and the text is cut", async () => {
    receiver = await startWebhookReceiver([401, 404], (h) => `${echoing(h)} ${"x".repeat(2000)}`);
    const base = receiver.url.replace(/\/hook$/, "");
    const errors: string[] = [];
    await send({ id: "c1", type: "ntfy", target: `${base}/${HOOK}/alerts`, secret: TOKEN }, opened(), LOOPBACK).catch((e: Error) => errors.push(e.message));
    await send({ id: "c2", type: "mattermost", target: `${base}/hooks/${HOOK}`, secret: null }, opened(), LOOPBACK).catch((e: Error) => errors.push(e.message));
    expect(errors).toHaveLength(2);
    expect(receiver.received.map((r) => r.status)).toEqual([401, 404]);
    for (const e of errors) {
      expect(e).toContain("[redacted]");
      expect(e).not.toContain(TOKEN);
      expect(e).not.toContain(HOOK);
      expect(e.length).toBeLessThanOrEqual(500);
    }
    expect(errors[1]).toContain("Cannot POST /hooks/[redacted]");
  });

  it("are redacted from the receiver's answer before sendHttp cuts it to 200 characters", async () => {
    // The token starts at character 190: a cut first would leave "tk_SECRETn" for nobody to recognise.
    receiver = await startWebhookReceiver([401], () => `${"x".repeat(190)}${TOKEN} and more`);
    const err = await sendHttp({ url: receiver.url, body: "{}", allowPrivateTargets: true, secrets: [TOKEN] }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toMatch(/answered HTTP 401: x{190}\[redacted\]$/);
    expect(message).not.toContain(TOKEN.slice(0, 4));
  });

  it("never reach Delivery.log nor the core's log through the dispatcher", async () => {
    db = await tempStore();
    receiver = await startWebhookReceiver([401, 401], echoing);
    const seeded = await seedProject(db.store, "leaky");
    const target = `${receiver.url.replace(/\/hook$/, "")}/${HOOK}/alerts`;
    await db.store.alertChannel.create({ data: { id: newId(), projectId: seeded.projectId, type: "ntfy", target, secretEnc: encryptSecret(SECRET_KEY, TOKEN) } });
    const logStream = new PassThrough();
    let logText = "";
    logStream.on("data", (d) => (logText += d.toString()));
    const c = clock(new Date("2026-11-04T12:00:00Z"));
    // The core's own logger (pino), writing where the test reads; the fixture's parameter is typed for its silent stand-in.
    const alerts = dispatcher(db.store, alertConfig({}), c, createLogger("debug", logStream) as unknown as Parameters<typeof dispatcher>[3]);
    const { incident } = await open(db.store, seeded, "error", "Litestream: access denied", c.now());
    await alerts.tick();
    expect(receiver.received.length).toBeGreaterThanOrEqual(1);
    expect(receiver.received[0].body).not.toContain(TOKEN);
    const [d] = await deliveriesOf(db.store, incident!.id);
    expect(d.log[0].ok).toBe(false);
    expect(d.log[0].detail).toContain("HTTP 401");
    for (const text of [JSON.stringify(d.log), d.lastError ?? "", logText]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(HOOK);
    }
    expect(logText).toContain("alert delivery failed");
  });

  it("never reach the test send's API answer", async () => {
    core = await startTestCore();
    receiver = await startWebhookReceiver([404], echoing);
    const created = await core.api("POST", "/api/v1/alert-channels", { body: { type: "mattermost", target: `${receiver.url.replace(/\/hook$/, "")}/hooks/${HOOK}` } });
    expect(created.status).toBe(201);
    const tested = await core.api("POST", `/api/v1/alert-channels/${created.body.id}/test`);
    expect(tested.status).toBe(502);
    expect(tested.body.message).toContain("Cannot POST /hooks/[redacted]");
    expect(JSON.stringify(tested.body)).not.toContain(HOOK);
    expect(core.logs()).not.toContain(HOOK);
  });
});
