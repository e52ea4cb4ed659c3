// Alerts over a real SMTP server and a real HTTP receiver on loopback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";
import { startSmtp, type SmtpSink } from "../support/smtp.ts";
import { startWebhookReceiver } from "../support/webhook-receiver.ts";
import { createAlertDispatcher } from "../../src/alerts/dispatcher.ts";
import { createLogger } from "../../src/logger.ts";

let core: TestCore;
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtp();
  core = await startTestCore({
    BORELA_SMTP_URL: smtp.url,
    BORELA_MAIL_FROM: "borela@test.local",
    BORELA_ALERT_EMAIL: "ops@example.com,oncall@example.com",
    BORELA_PUBLIC_URL: "https://borela.example.com",
    BORELA_ALERT_RETRY_SECONDS: "1",
  });
});
afterAll(async () => {
  await core?.close();
  await smtp?.close();
});

async function send(token: string, hb: ReturnType<typeof heartbeat>) {
  expect((await core.api("POST", "/api/v1/heartbeats", { token, body: hb })).status).toBe(201);
  await core.app.sweeper.idle();
  await core.alerts.tick();
}

function mailsFor(project: string) {
  return smtp.messages.filter((m) => m.subject?.includes(project));
}

describe("email alerts", () => {
  it("sends exactly one message when an incident opens and one when it resolves", async () => {
    const p = await core.createProject("mailshop", { staleAfterSeconds: 60 });
    await send(p.agentToken, heartbeat());
    await send(p.agentToken, heartbeat({ pendingSince: new Date(Date.now() - 120_000) }));
    await send(p.agentToken, heartbeat({ pendingSince: new Date(Date.now() - 130_000) }));
    await core.alerts.tick();
    let mails = mailsFor("mailshop");
    expect(mails).toHaveLength(1);
    const opened = mails[0];
    expect(opened.subject).toMatch(/^\[Borela\] STALE: mailshop \/ app — changes to app unreplicated for 2 min/);
    expect((opened.to as any).value.map((v: any) => v.address)).toEqual(["ops@example.com", "oncall@example.com"]);
    expect(opened.from?.value[0].address).toBe("borela@test.local");
    expect(opened.text).toContain("What happened: changes to app unreplicated");
    expect(opened.text).toContain("Last good backup: ");
    expect(opened.text).toContain("Last passing restore drill: never");
    expect(opened.text).toContain("litestream restore -o /tmp/app-restored.sqlite3 file:///backups/app");
    expect(opened.text).toContain(`npx borela restore mailshop --database app -o /tmp/app-restored.sqlite3`);
    expect(opened.text).toContain(`Dashboard: https://borela.example.com/projects/${p.id}`);
    expect(opened.html).toContain("litestream restore -o /tmp/app-restored.sqlite3 file:///backups/app");

    await send(p.agentToken, heartbeat({ pendingSince: null }));
    await core.alerts.tick();
    mails = mailsFor("mailshop");
    expect(mails).toHaveLength(2);
    expect(mails[1].subject).toMatch(/^\[Borela\] RESOLVED: mailshop \/ app is back \(STALE lasted /);
  });

  it("never sends twice from two dispatchers on the same store (two processes)", async () => {
    const p = await core.createProject("twice");
    await send(p.agentToken, heartbeat({ exists: false }));
    const logger = createLogger("silent");
    const a = createAlertDispatcher({ store: core.store, config: core.config, secretKey: core.app.secretKey, logger });
    const b = createAlertDispatcher({ store: core.store, config: core.config, secretKey: core.app.secretKey, logger });
    await Promise.all([a.tick(), b.tick(), core.alerts.tick(), a.tick(), b.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    expect(mailsFor("twice")).toHaveLength(1);
    expect(mailsFor("twice")[0].subject).toContain("ERROR: twice / app — database file missing at /data/app.sqlite3");
  });

  it("retries when SMTP is down and the delivery log shows the failure then the success", async () => {
    const p = await core.createProject("smtpdown");
    await smtp.down();
    await send(p.agentToken, heartbeat({ lastError: "InvalidAccessKeyId: The AWS access key Id you provided does not exist" }));
    await core.alerts.tick();
    expect(mailsFor("smtpdown")).toHaveLength(0);
    await smtp.up();
    const deadline = Date.now() + 15_000;
    while (mailsFor("smtpdown").length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      await core.alerts.tick();
    }
    expect(mailsFor("smtpdown")).toHaveLength(1);
    const [incident] = (await core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body;
    const deliveries = (await core.api("GET", `/api/v1/incidents/${incident.id}/deliveries`)).body;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ event: "opened", status: "sent" });
    expect(deliveries[0].log[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/ECONNREFUSED|connect/) });
    expect(deliveries[0].log.at(-1)).toMatchObject({ ok: true, detail: expect.stringContaining("SMTP accepted") });
  });
});

describe("webhooks", () => {
  it("signs the body with HMAC-SHA256 and retries a 500 until it gets through: three tries", async () => {
    const receiver = await startWebhookReceiver([500, 500, 200]);
    const p = await core.createProject("hooked", { alertEmails: ["hooked@example.com"] });
    const secret = "a-shared-secret-of-some-length";
    const created = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type: "webhook", target: receiver.url, secret } });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(secret);
    await send(p.agentToken, heartbeat({ exists: false }));
    const deadline = Date.now() + 20_000;
    while (receiver.received.filter((r) => r.status === 200).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      await core.alerts.tick();
    }
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 200]);
    const last = receiver.received[2];
    const expected = `sha256=${createHmac("sha256", secret).update(`${last.headers["x-borela-timestamp"]}.${last.body}`).digest("hex")}`;
    expect(last.headers["x-borela-signature"]).toBe(expected);
    expect(JSON.parse(last.body)).toMatchObject({ event: "opened", kind: "error", project: { id: p.id, name: "hooked" }, database: "app" });
    expect(mailsFor("hooked")).toHaveLength(1);
    await receiver.close();
  });

  it("formats Slack and Discord payloads and reports the test result", async () => {
    const receiver = await startWebhookReceiver([200, 200, 503]);
    const slack = await core.api("POST", "/api/v1/alert-channels", { body: { type: "slack", target: receiver.url } });
    const discord = await core.api("POST", "/api/v1/alert-channels", { body: { type: "discord", target: receiver.url } });
    expect((await core.api("POST", `/api/v1/alert-channels/${slack.body.id}/test`)).body).toMatchObject({ ok: true, detail: expect.stringContaining("HTTP 200") });
    expect((await core.api("POST", `/api/v1/alert-channels/${discord.body.id}/test`)).status).toBe(200);
    const failed = await core.api("POST", `/api/v1/alert-channels/${discord.body.id}/test`);
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ error: "delivery_failed", message: expect.stringContaining("HTTP 503") });
    const [s, d] = receiver.received.map((r) => JSON.parse(r.body));
    expect(s).toMatchObject({ text: expect.stringContaining("[Borela] TEST"), blocks: expect.any(Array) });
    expect(d).toMatchObject({ content: expect.stringContaining("[Borela] TEST"), embeds: [expect.objectContaining({ title: expect.any(String) })] });
    await core.api("DELETE", `/api/v1/alert-channels/${slack.body.id}`);
    await core.api("DELETE", `/api/v1/alert-channels/${discord.body.id}`);
    await receiver.close();
  });

  it("rejects bad channels with a clear 400", async () => {
    const bad = await core.api("POST", "/api/v1/alert-channels", { body: { type: "email", target: "not-an-address" } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('"not-an-address" is not an email address');
    const badUrl = await core.api("POST", "/api/v1/alert-channels", { body: { type: "webhook", target: "ftp://x.example.com" } });
    expect(badUrl.status).toBe(400);
  });
});

describe("weekly digest", () => {
  it("lists every project's freshness, last drill, RTO/RPO and storage, once per week", async () => {
    const { sendDigest, digestTick } = await import("../../src/alerts/digest.ts");
    const p = await core.createProject("digested");
    await send(p.agentToken, heartbeat());
    expect(await sendDigest(core.store, core.config, "2026-W48")).toBe(true);
    expect(await sendDigest(core.store, core.config, "2026-W48")).toBe(false);
    const digest = smtp.messages.filter((m) => m.subject?.startsWith("[Borela] Weekly digest"));
    expect(digest).toHaveLength(1);
    expect(digest[0].text).toMatch(/digested\s+fresh\s+never drilled\s+-\s+-\s+8\.0 KiB/);
    expect(digest[0].text).toMatch(/mailshop\s+fresh/);
    // The schedule: the first look records where it stands, the next fire sends.
    const monday = new Date("2026-11-30T08:00:30Z");
    expect(await digestTick(core.store, { ...core.config, digestCron: "0 8 * * 1" }, new Date("2026-11-29T12:00:00Z"))).toBe(false);
    expect(await digestTick(core.store, { ...core.config, digestCron: "0 8 * * 1" }, monday)).toBe(true);
    expect(await digestTick(core.store, { ...core.config, digestCron: "0 8 * * 1" }, new Date(monday.getTime() + 60_000))).toBe(false);
  });
});
