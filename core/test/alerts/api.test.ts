// Alerts through a real core on loopback: heartbeats open and resolve
// incidents that email once per transition, the alert-channel routes, the
// test send, and each incident's delivery log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";
import { startSmtp, type SmtpSink } from "../support/smtp.ts";
import { startWebhookReceiver } from "../support/webhook-receiver.ts";
import { waitFor } from "../support/wait-for.ts";
import { decryptSecret } from "../../src/store/secrets.ts";
import { verifyWebhook } from "../../src/alerts/channels/webhook.ts";

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

async function beat(token: string, hb: ReturnType<typeof heartbeat>) {
  expect((await core.api("POST", "/api/v1/heartbeats", { token, body: hb })).status).toBe(201);
  await core.app.sweeper.idle();
  await core.alerts.tick();
}

function mailsFor(project: string) {
  return smtp.messages.filter((m) => m.subject?.includes(` ${project} `));
}

async function incidentsOf(projectId: string) {
  return (await core.api("GET", `/api/v1/projects/${projectId}/incidents`)).body as { id: string; kind: string; open: boolean }[];
}

describe("alerts from heartbeats", () => {
  it("a stale backup emails once when it opens and once when it resolves", async () => {
    const p = await core.createProject("mailshop", { staleAfterSeconds: 60 });
    await beat(p.agentToken, heartbeat());
    await beat(p.agentToken, heartbeat({ pendingSince: new Date(Date.now() - 120_000) }));
    await beat(p.agentToken, heartbeat({ pendingSince: new Date(Date.now() - 130_000) }));
    await core.alerts.tick();
    expect(mailsFor("mailshop").map((m) => m.subject)).toEqual([expect.stringMatching(/^\[Borela\] STALE: mailshop \/ app — changes unreplicated for 2 min/)]);
    const opened = mailsFor("mailshop")[0];
    expect((opened.to as { value: { address: string }[] }).value.map((v) => v.address)).toEqual(["ops@example.com", "oncall@example.com"]);
    expect(opened.text).toContain("litestream restore -o /tmp/app-restored.sqlite3 file:///backups/app");
    expect(opened.text).toContain("npx borela restore mailshop --database app -o /tmp/app-restored.sqlite3");
    expect(opened.text).toContain(`Dashboard: https://borela.example.com/projects/${p.id}`);

    await beat(p.agentToken, heartbeat({ pendingSince: null }));
    await core.alerts.tick();
    expect(mailsFor("mailshop").map((m) => m.subject?.split(":")[0])).toEqual(["[Borela] STALE", "[Borela] RESOLVED"]);
    const [incident] = await incidentsOf(p.id);
    const log = (await core.api("GET", `/api/v1/incidents/${incident.id}/deliveries`)).body;
    expect(log.map((d: { event: string; status: string; channel: unknown }) => [d.event, d.status, d.channel])).toEqual([
      ["opened", "sent", { id: null, type: "email", target: "ops@example.com,oncall@example.com" }],
      ["resolved", "sent", { id: null, type: "email", target: "ops@example.com,oncall@example.com" }],
    ]);
  });

  it("SMTP down then up: the delivery is retried and its log shows the failure, then the success", async () => {
    const p = await core.createProject("smtpdown", { alertEmails: ["owner@example.com"] });
    await smtp.stop();
    try {
      await beat(p.agentToken, heartbeat({ lastError: "InvalidAccessKeyId: The AWS access key Id you provided does not exist" }));
      await core.alerts.tick();
      expect(mailsFor("smtpdown")).toHaveLength(0);
      // Issue 14: "Will someone hear?" said "Yes: 1 channel" with a null warning while the email failed.
      const detail = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
      expect(detail.alerting.warning).toMatch(/^email: the last attempt failed at \d\d:\d\d: SMTP .*ECONNREFUSED 127\.0\.0\.1:\d+\. Nobody hears until it answers again\.$/);
      expect(detail.alerting.channels[0].failing).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED/) });
    } finally {
      await smtp.restart();
    }
    await waitFor(
      async () => {
        await core.alerts.tick();
        return mailsFor("smtpdown").length > 0;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: "the retried alert email" },
    );
    expect(mailsFor("smtpdown")).toHaveLength(1);
    expect(smtp.envelopes[smtp.messages.indexOf(mailsFor("smtpdown")[0])]).toEqual(["owner@example.com"]);
    const [incident] = await incidentsOf(p.id);
    const deliveries = (await core.api("GET", `/api/v1/incidents/${incident.id}/deliveries`)).body;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ event: "opened", status: "sent", channel: { target: "owner@example.com" } });
    expect(deliveries[0].log[0]).toMatchObject({ attempt: 1, ok: false, detail: expect.stringMatching(/ECONNREFUSED/) });
    expect(deliveries[0].log.at(-1)).toMatchObject({ ok: true, detail: expect.stringMatching(/accepted for owner@example.com/) });
    expect(deliveries[0].attempts).toBe(deliveries[0].log.length);
    // Once a retry got through, the channel is no longer failing.
    const after = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
    expect(after.alerting.warning).toBeNull();
    expect(after.alerting.channels[0].failing).toBeNull();
  });

  it("answers 404 for the deliveries of an unknown incident", async () => {
    const res = await core.api("GET", "/api/v1/incidents/nope/deliveries");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "not_found", message: "incident nope not found" });
  });
});

describe("alert channel routes", () => {
  it("create, read, list by project, update and delete; the secret is stored encrypted and never shown", async () => {
    const p = await core.createProject("channelled");
    const secret = "a-shared-secret-of-some-length";
    const created = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type: "webhook", target: "https://hooks.example.com/borela", secret } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ projectId: p.id, type: "webhook", target: "https://hooks.example.com/bo…", signed: true });
    expect(JSON.stringify(created.body)).not.toContain(secret);
    const row = await core.store.alertChannel.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.secretEnc).not.toContain(secret);
    expect(decryptSecret(core.app.secretKey, row.secretEnc!)).toBe(secret);

    const email = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type: "email", target: " a@example.com , b@example.com " } });
    expect(email.body).toMatchObject({ target: "a@example.com,b@example.com", signed: false });
    const other = await core.createProject("unchannelled");
    await core.api("POST", "/api/v1/alert-channels", { body: { projectId: other.id, type: "email", target: "c@example.com" } });

    const listed = (await core.api("GET", `/api/v1/alert-channels?projectId=${p.id}`)).body;
    expect(listed.map((c: { id: string }) => c.id)).toEqual([created.body.id, email.body.id]);
    expect((await core.api("GET", `/api/v1/alert-channels/${email.body.id}`)).body).toEqual(email.body);

    const patched = await core.api("PATCH", `/api/v1/alert-channels/${created.body.id}`, { body: { target: "https://hooks.example.com/v2", secret: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ target: "https://hooks.example.com/v2…", signed: false });
    // A new type takes a new target: the stored one was checked, and is secret or not, as the old type's.
    const retyped = await core.api("PATCH", `/api/v1/alert-channels/${created.body.id}`, { body: { type: "slack" } });
    expect(retyped.status).toBe(400);
    expect(retyped.body.message).toMatch(/^target: required when the type changes/);
    const toSlack = await core.api("PATCH", `/api/v1/alert-channels/${created.body.id}`, { body: { type: "slack", target: "https://hooks.example.com/v2" } });
    expect(toSlack.body).toMatchObject({ type: "slack", target: "https://hooks.example.com/v2…" });

    expect((await core.api("DELETE", `/api/v1/alert-channels/${email.body.id}`)).status).toBe(204);
    expect((await core.api("DELETE", `/api/v1/alert-channels/${email.body.id}`)).status).toBe(404);
    expect((await core.api("GET", `/api/v1/alert-channels/${email.body.id}`)).body).toEqual({ error: "not_found", message: `alert channel ${email.body.id} not found` });
    expect((await core.api("GET", `/api/v1/alert-channels?projectId=${p.id}`)).body).toHaveLength(1);
  });

  it.each([
    ["a bad address", { type: "email", target: "not-an-address" }, 'target "not-an-address" is not an email address'],
    ["a non-http URL", { type: "webhook", target: "ftp://x.example.com" }, 'target "ftp://x.example.com" must be an http(s) URL for a webhook channel'],
    ["not a URL", { type: "slack", target: "hooks slack com" }, 'target "hooks slack com" is not a URL'],
    ["a secret on an email channel", { type: "email", target: "a@example.com", secret: "0123456789abcdef" }, "secret: email channels take none"],
    ["an unknown type", { type: "sms", target: "+3312345678" }, "body/type"],
    ["an unknown field", { type: "email", target: "a@example.com", cc: "x@example.com" }, 'body has unknown field "cc"'],
    ["a short secret", { type: "webhook", target: "https://x.example.com", secret: "short" }, "body/secret"],
    ["an unknown project", { projectId: "nope", type: "email", target: "a@example.com" }, "project nope not found"],
  ])("refuses %s with a 4xx that says why", async (_label, body, message) => {
    const res = await core.api("POST", "/api/v1/alert-channels", { body });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error).toMatch(/bad_request|not_found/);
    expect(res.body.message).toContain(message);
  });

  it("requires the admin token", async () => {
    expect((await core.api("GET", "/api/v1/alert-channels", { token: null })).status).toBe(401);
    expect((await core.api("POST", "/api/v1/alert-channels", { token: "nope", body: { type: "email", target: "a@example.com" } })).status).toBe(401);
  });
});

describe("test send", () => {
  it("emails a test message and reports the SMTP answer", async () => {
    const p = await core.createProject("testmail");
    const channel = (await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type: "email", target: "test-me@example.com" } })).body;
    const res = await core.api("POST", `/api/v1/alert-channels/${channel.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, detail: expect.stringMatching(/^SMTP 127\.0\.0\.1:\d+ accepted for test-me@example.com: 250/) });
    const mail = smtp.messages.find((m) => m.subject === "[Borela] TEST: alerts for testmail reach you");
    expect(mail?.text).toContain("This is a test alert from Borela for testmail");
    expect(smtp.envelopes[smtp.messages.indexOf(mail!)]).toEqual(["test-me@example.com"]);
  });

  it("reports an SMTP failure as 502 delivery_failed", async () => {
    const channel = (await core.api("POST", "/api/v1/alert-channels", { body: { projectId: (await core.createProject("testdown")).id, type: "email", target: "x@example.com" } })).body;
    await smtp.stop();
    try {
      const res = await core.api("POST", `/api/v1/alert-channels/${channel.id}/test`);
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ error: "delivery_failed", message: expect.stringMatching(/^SMTP 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/) });
    } finally {
      await smtp.restart();
    }
  });

  it("posts signed, Slack and Discord test messages and reports each HTTP answer", async () => {
    const receiver = await startWebhookReceiver([200, 200, 200, 503]);
    try {
      const p = await core.createProject("testhooks");
      const secret = "another-shared-secret-0123";
      const make = (type: string, extra = {}) => core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type, target: receiver.url, ...extra } });
      const [signed, slack, discord] = [(await make("webhook", { secret })).body, (await make("slack")).body, (await make("discord")).body];
      for (const c of [signed, slack, discord]) {
        expect((await core.api("POST", `/api/v1/alert-channels/${c.id}/test`)).body).toEqual({ ok: true, detail: expect.stringMatching(/^HTTP 200 from 127\.0\.0\.1:\d+$/) });
      }
      const failed = await core.api("POST", `/api/v1/alert-channels/${discord.id}/test`);
      expect(failed.status).toBe(502);
      expect(failed.body).toEqual({ error: "delivery_failed", message: expect.stringMatching(/^POST to 127\.0\.0\.1:\d+ answered HTTP 503: receiver says no$/) });

      const [hook, s, d] = receiver.received;
      expect(verifyWebhook(secret, String(hook.headers["x-borela-timestamp"]), hook.body, String(hook.headers["x-borela-signature"]))).toBe(true);
      expect(JSON.parse(hook.body)).toMatchObject({ event: "test", project: { id: p.id, name: "testhooks" } });
      expect(JSON.parse(s.body)).toMatchObject({ text: "`[Borela] TEST: alerts for testhooks reach you`", blocks: expect.any(Array) });
      expect(JSON.parse(d.body)).toMatchObject({ content: "[Borela] TEST: alerts for testhooks reach you", embeds: [expect.objectContaining({ title: expect.any(String) })] });
      expect(s.headers["x-borela-signature"]).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });

  it("answers 404 for an unknown channel", async () => {
    expect((await core.api("POST", "/api/v1/alert-channels/nope/test")).status).toBe(404);
  });
});
