// Webhook alerts against a real HTTP receiver on loopback: signatures a
// receiver can verify with the shared secret, retries with backoff (500, 500,
// then 200 is exactly three tries), Slack and Discord shapes, operator-level
// channels.
import { afterEach, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";
import { freePort } from "../support/ports.ts";
import { encryptSecret } from "../../src/store/secrets.ts";
import { newId } from "../../src/store/ids.ts";
import type { ChannelType } from "../../src/alerts/channels/registry.ts";
import { verifyWebhook } from "../../src/alerts/channels/webhook.ts";
import { discordEscape } from "../../src/alerts/channels/discord.ts";
import type { Store } from "../../src/store/db.ts";
import { SECRET_KEY, alertConfig, clock, deliveriesOf, dispatcher, open, resolve, seedProject, tempStore, type TestStore } from "./fixtures.ts";

const T0 = new Date("2026-11-04T12:00:00Z");
let db: TestStore | null = null;
let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  await db?.close();
  receiver = null;
  db = null;
});

async function addChannel(store: Store, projectId: string | null, type: ChannelType, target: string, secret?: string) {
  const id = newId();
  await store.alertChannel.create({ data: { id, projectId, type, target, secretEnc: secret ? encryptSecret(SECRET_KEY, secret) : null } });
  return id;
}

const noEmail = alertConfig({});

describe("signed webhooks", () => {
  it("a receiver answering 500 twice then 200 gets exactly three tries, each signed so the shared secret verifies it", async () => {
    db = await tempStore();
    receiver = await startWebhookReceiver([500, 500, 200]);
    const secret = "whsec-0123456789abcdef";
    const hooked = await seedProject(db.store, "hooked");
    await addChannel(db.store, hooked.projectId, "webhook", receiver.url, secret);
    const c = clock(T0);
    const alerts = dispatcher(db.store, noEmail, c);
    const { incident } = await open(db.store, hooked, "error", "Litestream: access denied to s3://bucket/hooked", T0);

    await alerts.tick();
    await alerts.tick(); // backoff: not yet
    expect(receiver.received.map((r) => r.status)).toEqual([500]);
    c.advance(1);
    await alerts.tick();
    c.advance(1);
    await alerts.tick(); // the second retry waits 2 s
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500]);
    c.advance(1);
    await alerts.tick();
    for (let i = 0; i < 5; i++) {
      c.advance(60);
      await alerts.tick();
    }
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 200]);

    for (const r of receiver.received) {
      const timestamp = String(r.headers["x-borela-timestamp"]);
      const signature = String(r.headers["x-borela-signature"]);
      expect(r.method).toBe("POST");
      expect(r.headers["content-type"]).toBe("application/json");
      // What a receiver writes: HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret.
      expect(signature).toBe(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${r.body}`).digest("hex")}`);
      expect(verifyWebhook(secret, timestamp, r.body, signature)).toBe(true);
      expect(verifyWebhook("some-other-secret", timestamp, r.body, signature)).toBe(false);
      expect(verifyWebhook(secret, timestamp, r.body.replace("hooked", "hacked"), signature)).toBe(false);
      expect(verifyWebhook(secret, timestamp, r.body, signature, new Date(Number(timestamp) * 1000 + 600_000))).toBe(false);
    }
    expect(JSON.parse(receiver.received[2].body)).toEqual({
      event: "opened",
      kind: "error",
      state: "ERROR",
      project: { id: hooked.projectId, name: "hooked" },
      database: "primary",
      reason: "Litestream: access denied to s3://bucket/hooked",
      startedAt: T0.toISOString(),
      openedAt: T0.toISOString(),
      resolvedAt: null,
      // Open, so measured up to the (third) attempt that reached the receiver.
      durationSeconds: expect.any(Number),
      lastBackupAt: null,
      lastPassingDrillAt: null,
      restoreCommands: [
        "litestream restore -o /tmp/primary-restored.sqlite3 file:///backups/hooked/primary",
        "npx borela restore hooked --database primary -o /tmp/primary-restored.sqlite3 --server https://borela.example.com",
      ],
      dashboardUrl: `https://borela.example.com/projects/${hooked.projectId}`,
      subject: "[Borela] ERROR: hooked / primary — Litestream: access denied to s3://bucket/hooked",
      headline: "hooked: primary is in error: Litestream: access denied to s3://bucket/hooked.",
      idempotencyKey: expect.stringMatching(/^borela-[0-9a-f]{32}$/),
    });
    // Every attempt of the delivery carries one identity, in the header and in the signed body: a receiver
    // that got the first attempt (even one it failed to answer) dedupes the rest.
    const identities = receiver.received.map((r) => [String(r.headers["idempotency-key"]), JSON.parse(r.body).idempotencyKey]);
    expect(new Set(identities.flat())).toEqual(new Set([identities[0][0]]));
    const [d] = await deliveriesOf(db.store, incident.id);
    expect(d).toMatchObject({ status: "sent", attempts: 3 });
    expect(d.log.map((l) => [l.ok, l.detail.replace(/:\d+/, ":PORT")])).toEqual([
      [false, "POST to 127.0.0.1:PORT answered HTTP 500: receiver says no"],
      [false, "POST to 127.0.0.1:PORT answered HTTP 500: receiver says no"],
      [true, "HTTP 200 from 127.0.0.1:PORT"],
    ]);
  });

  it("an unreachable receiver is retried, and the log says what failed", async () => {
    db = await tempStore();
    const port = await freePort();
    const p = await seedProject(db.store, "unreachable");
    await addChannel(db.store, p.projectId, "webhook", `http://127.0.0.1:${port}/hook`);
    const c = clock(T0);
    const alerts = dispatcher(db.store, noEmail, c);
    const { incident } = await open(db.store, p, "error", "database file missing", T0);
    await alerts.tick();
    c.advance(1);
    await alerts.tick();
    const [d] = await deliveriesOf(db.store, incident.id);
    expect(d).toMatchObject({ status: "pending", attempts: 2 });
    expect(d.log[0].detail).toBe(`POST to 127.0.0.1:${port} failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});

describe("Slack and Discord", () => {
  it("get their own payload shapes, red when it opens and green when it resolves", async () => {
    db = await tempStore();
    receiver = await startWebhookReceiver();
    const chat = await seedProject(db.store, "chat");
    await addChannel(db.store, chat.projectId, "slack", `${receiver.url}/slack`);
    await addChannel(db.store, chat.projectId, "discord", `${receiver.url}/discord`);
    const c = clock(T0);
    const alerts = dispatcher(db.store, noEmail, c);
    await open(db.store, chat, "drill_failed", "drill of primary failed: integrity_check: row 12 missing from index", T0);
    await alerts.tick();
    c.advance(3600);
    await resolve(db.store, chat, "drill_failed", c.now());
    await alerts.tick();

    const byPath = (path: string) => receiver!.received.filter((r) => r.path === `/hook/${path}`).map((r) => JSON.parse(r.body));
    const [slackOpen, slackResolved] = byPath("slack");
    expect(byPath("slack")).toHaveLength(2);
    expect(slackOpen.text).toBe("`[Borela] DRILL FAILED: chat / primary — integrity_check: row 12 missing from index`");
    expect(slackOpen.blocks.map((b: { type: string }) => b.type)).toEqual(["header", "section", "section", "actions"]);
    expect(slackOpen.blocks[1].text).toMatchObject({ type: "mrkdwn", text: expect.stringContaining("*What happened:* `drill of primary failed") });
    expect(slackOpen.blocks[2].text.text).toContain("`litestream restore -o /tmp/primary-restored.sqlite3 file:///backups/chat/primary`");
    expect(slackOpen.blocks[3].elements[0]).toMatchObject({ type: "button", url: `https://borela.example.com/projects/${chat.projectId}` });
    expect(slackResolved.text).toBe("`[Borela] RESOLVED: chat / primary — restore drill passes again after 60 min failing`");

    const [discordOpen, discordResolved] = byPath("discord");
    expect(byPath("discord")).toHaveLength(2);
    expect(discordOpen.content).toBe(discordEscape(slackOpen.text.slice(1, -1)));
    expect(discordOpen.allowed_mentions).toEqual({ parse: [] });
    expect(discordOpen.embeds).toHaveLength(1);
    expect(discordOpen.embeds[0]).toMatchObject({ title: discordEscape(slackOpen.text.slice(1, -1)), description: discordEscape("drill of primary failed: integrity_check: row 12 missing from index"), url: `https://borela.example.com/projects/${chat.projectId}`, color: 0xc62828 });
    expect(discordOpen.embeds[0].fields.map((f: { name: string }) => f.name)).toEqual(["Since", "Last backup (newest upload to the replica)", "Last passing restore drill", "Restore"]);
    expect(discordResolved.embeds[0].color).toBe(0x2e7d32);
    expect(receiver.received.every((r) => r.headers["x-borela-signature"] === undefined)).toBe(true);
  });
});

describe("operator-level channels", () => {
  it("hear about every project; a project's channel hears only its own", async () => {
    db = await tempStore();
    receiver = await startWebhookReceiver();
    const a = await seedProject(db.store, "alpha");
    const b = await seedProject(db.store, "beta");
    await addChannel(db.store, null, "webhook", `${receiver.url}/operator`);
    await addChannel(db.store, a.projectId, "webhook", `${receiver.url}/alpha`);
    const alerts = dispatcher(db.store, noEmail, clock(T0));
    await open(db.store, a, "error", "alpha broke", T0);
    await open(db.store, b, "error", "beta broke", T0);
    await alerts.tick();
    const seen = receiver.received.map((r) => `${r.path} ${JSON.parse(r.body).project.name}`).sort();
    expect(seen).toEqual(["/hook/alpha alpha", "/hook/operator alpha", "/hook/operator beta"]);
  });
});
