// Rendering, without I/O: subjects, bodies, HTML escaping, payload limits,
// and the SMTP password kept out of messages.
import { describe, expect, it } from "vitest";
import { htmlBody, subject, textBody, type AlertContext } from "../../src/alerts/message.ts";
import { discordPayload, slackPayload } from "../../src/alerts/payloads.ts";
import { redact } from "../../src/alerts/email.ts";
import { signWebhook, verifyWebhook } from "../../src/alerts/webhook.ts";

const openedAt = new Date("2026-11-02T10:00:00Z");
const base: AlertContext = {
  event: "opened",
  project: { id: "p1", name: "shop" },
  database: "primary",
  kind: "stale",
  reason: "changes to primary unreplicated for 12 min (threshold 5 min); Litestream is not running",
  openedAt,
  resolvedAt: null,
  lastBackupAt: new Date(openedAt.getTime() - 720_000),
  lastPassingDrillAt: null,
  restoreCommands: ["litestream restore -o /tmp/primary-restored.sqlite3 s3://bucket/shop/primary"],
  dashboardUrl: "https://borela.example.com/projects/p1",
  now: openedAt,
};

describe("alert messages", () => {
  it("name project, database and state in the subject, for each event", () => {
    expect(subject(base)).toBe("[Borela] STALE: shop / primary — changes to primary unreplicated for 12 min (threshold 5 min)");
    expect(subject({ ...base, event: "reminder", now: new Date(openedAt.getTime() + 2 * 86_400_000) })).toBe(
      "[Borela] STILL STALE: shop / primary — changes to primary unreplicated for 12 min (threshold 5 min) (open 2 days)",
    );
    expect(subject({ ...base, event: "resolved", resolvedAt: new Date(openedAt.getTime() + 45 * 60_000) })).toBe("[Borela] RESOLVED: shop / primary is back (STALE lasted 45 min)");
    expect(subject({ ...base, database: null, kind: "silent", reason: "no heartbeat for 5 min" })).toBe("[Borela] SILENT: shop — no heartbeat for 5 min");
    expect(subject({ ...base, kind: "drill_overdue", reason: "x".repeat(300) })).toMatch(/^\[Borela\] DRILL OVERDUE: shop \/ primary — x{117}\.\.\.$/);
  });

  it("say what happened, since when, the last backup and drill, and how to restore, in text and HTML", () => {
    const text = textBody(base);
    expect(text.split("\n").slice(0, 6)).toEqual([
      "shop / primary is stale.",
      "",
      `What happened: ${base.reason}`,
      `Since: ${openedAt.toISOString()} (0s ago)`,
      `Last good backup: ${base.lastBackupAt!.toISOString()} (12 min ago)`,
      "Last passing restore drill: never",
    ]);
    expect(text).toContain("To restore the latest backup:\n  litestream restore -o /tmp/primary-restored.sqlite3 s3://bucket/shop/primary\n");
    const html = htmlBody({ ...base, reason: `<script>alert("x")</script>` });
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toContain('<pre style="background:#f4f4f4;padding:8px">litestream restore -o /tmp/primary-restored.sqlite3 s3://bucket/shop/primary</pre>');
  });

  it("keep Slack and Discord payloads within their limits", () => {
    const long = { ...base, reason: "r".repeat(10_000), restoreCommands: ["c".repeat(5000)] };
    const slack = slackPayload(long);
    expect(slack.text.length).toBeLessThanOrEqual(3000);
    for (const block of slack.blocks) expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    expect(slack.blocks[0].text!.text.length).toBeLessThanOrEqual(150);
    const discord = discordPayload(long);
    expect(discord.content.length).toBeLessThanOrEqual(2000);
    expect(discord.embeds[0].title.length).toBeLessThanOrEqual(256);
    expect(discord.embeds[0].description.length).toBeLessThanOrEqual(4096);
    for (const f of discord.embeds[0].fields) expect(f.value.length).toBeLessThanOrEqual(1024);
  });
});

describe("secrets", () => {
  it("the SMTP password is taken out of messages, raw or URL-encoded", () => {
    const url = "smtp://mailer:s3cr%2Ft%40pw@mail.example.com:587";
    expect(redact("auth failed for mailer with s3cr/t@pw and s3cr%2Ft%40pw", url)).toBe("auth failed for mailer with [redacted] and [redacted]");
    expect(redact("nothing to hide", "smtp://mail.example.com")).toBe("nothing to hide");
  });

  it("a webhook signature covers timestamp and body, and expires", () => {
    const now = new Date("2026-11-02T10:00:00Z");
    const ts = String(now.getTime() / 1000);
    const sig = signWebhook("k".repeat(20), ts, '{"a":1}');
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook("k".repeat(20), ts, '{"a":1}', sig, now)).toBe(true);
    expect(verifyWebhook("k".repeat(20), String(Number(ts) + 1), '{"a":1}', sig, now)).toBe(false);
    expect(verifyWebhook("k".repeat(20), ts, '{"a":1}', sig, new Date(now.getTime() + 301_000))).toBe(false);
    expect(verifyWebhook("k".repeat(20), "not-a-number", '{"a":1}', sig, now)).toBe(false);
  });
});
