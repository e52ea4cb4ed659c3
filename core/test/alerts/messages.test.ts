// Rendering, without I/O: subjects, bodies, HTML escaping, payload limits,
// and the SMTP password kept out of messages.
import { describe, expect, it } from "vitest";
import { htmlBody, textBody } from "../../src/alerts/email-body.ts";
import { subject, type AlertContext } from "../../src/alerts/message.ts";
import { discordPayload } from "../../src/alerts/channels/discord.ts";
import { slackPayload } from "../../src/alerts/channels/slack.ts";
import { summaryOf } from "../../src/alerts/missed.ts";
import { redact } from "../../src/alerts/email.ts";
import { signWebhook, verifyWebhook, webhookPayload } from "../../src/alerts/channels/webhook.ts";

const openedAt = new Date("2026-11-02T10:00:00Z");
const base: AlertContext = {
  event: "opened",
  project: { id: "p1", name: "shop" },
  database: "primary",
  kind: "stale",
  reason: "changes to primary unreplicated for 12 min (threshold 5 min); Litestream is not running",
  startedAt: openedAt,
  openedAt,
  resolvedAt: null,
  lastBackupAt: new Date(openedAt.getTime() - 720_000),
  lastPassingDrillAt: null,
  restoreCommands: ["litestream restore -o /tmp/primary-restored.sqlite3 s3://bucket/shop/primary"],
  dashboardUrl: "https://borela.example.com/projects/p1",
  now: openedAt,
};

describe("alert messages", () => {
  const stale = { ...base, startedAt: new Date(openedAt.getTime() - 300_000), lastBackupAt: new Date(openedAt.getTime() - 720_000) };

  it("subjects say in words what happened where, measured from when it began, for each event", () => {
    expect(subject(stale)).toBe("[Borela] STALE: shop / primary — changes unreplicated for 5 min");
    expect(subject({ ...stale, event: "reminder", now: new Date(openedAt.getTime() + 2 * 86_400_000) })).toBe("[Borela] STILL STALE: shop / primary — changes unreplicated for 2 days");
    expect(subject({ ...stale, event: "resolved", resolvedAt: new Date(openedAt.getTime() + 45 * 60_000) })).toBe("[Borela] RESOLVED: shop / primary — replica caught up after 50 min unreplicated");
    expect(subject({ ...stale, event: "missed", resolvedAt: new Date(openedAt.getTime() + 60_000) })).toBe(
      "[Borela] RESOLVED: shop / primary — replica caught up after 6 min unreplicated (not announced while open)",
    );
    expect(subject({ ...base, database: null, kind: "silent", reason: "no heartbeat for 5 min", startedAt: new Date(openedAt.getTime() - 60_000), now: new Date(openedAt.getTime() + 5_000) })).toBe(
      "[Borela] SILENT: shop — no heartbeat for 65s",
    );
    // Issue 14: "SILENT: shop — no heartbeat for 84s" said nothing of the revoked token the agent kept sending.
    const revoked = "the agent is sending heartbeats with a revoked agent token: give it the project's current token; no heartbeat since 2026-11-02 09:58:36 UTC (grace 1 min): is the agent running?";
    expect(subject({ ...base, database: null, kind: "silent", reason: revoked, startedAt: new Date(openedAt.getTime() - 84_000), now: openedAt })).toBe(
      "[Borela] SILENT: shop — the agent is sending heartbeats with a revoked agent token; none accepted for 84s",
    );
    expect(subject({ ...base, kind: "drill_overdue", database: null, lastPassingDrillAt: new Date(openedAt.getTime() - 9 * 86_400_000) })).toBe(
      "[Borela] DRILL OVERDUE: shop — no passing drill for 9 days",
    );
    expect(subject({ ...base, kind: "drill_overdue", database: null })).toBe("[Borela] DRILL OVERDUE: shop — no passing drill yet");
    expect(subject({ ...base, kind: "error", reason: "x".repeat(300) })).toMatch(/^\[Borela\] ERROR: shop \/ primary — x{117}\.\.\.$/);
  });

  it("no Litestream identifiers in subjects or first lines; the details keep them", () => {
    const replaced = {
      ...base,
      database: "borela.db",
      kind: "error",
      reason: "borela.db changed on disk but Litestream's position did not move for 30s (generation be7a0689c1d2e3f4, index 0, offset 131872): was it replaced outside SQLite?",
    };
    expect(subject(replaced)).toBe("[Borela] ERROR: shop / borela.db — borela.db changed on disk but Litestream's position did not move for 30s: was it replaced outside SQLite?");
    expect(textBody(replaced).split("\n")[0]).toBe("shop: borela.db is in error: borela.db changed on disk but Litestream's position did not move for 30s: was it replaced outside SQLite?");
    expect(textBody(replaced)).toContain("What happened: borela.db changed on disk but Litestream's position did not move for 30s (generation be7a0689c1d2e3f4, index 0, offset 131872)");
    const position = { ...replaced, reason: "replica s3://b/x is at be7a0689/00000000:131872, behind the database; WAL segment 00000003_00001000.wal.lz4 of generation be7a0689c1d2e3f4 is damaged" };
    expect(subject(position)).toBe("[Borela] ERROR: shop / borela.db — replica s3://b/x is at a Litestream position, behind the database");
    for (const c of [replaced, position]) expect(`${subject(c)}\n${textBody(c).split("\n")[0]}`).not.toMatch(/[0-9a-f]{8}/);
  });

  it("read as sentences: 'is in error: <cause>', not 'is error.'", () => {
    const firstLine = (c: AlertContext) => textBody(c).split("\n")[0];
    expect(firstLine({ ...base, kind: "error", reason: "database file missing at /data/primary.sqlite3" })).toBe("shop: primary is in error: database file missing at /data/primary.sqlite3.");
    expect(firstLine({ ...base, kind: "error", database: null, reason: "the agent reports no databases" })).toBe("shop is in error: the agent reports no databases.");
    expect(firstLine({ ...base, kind: "drill_failed", reason: "drill of primary failed: integrity_check: row 12 missing from index idx_orders" })).toBe(
      "shop: the restore drill of primary failed: integrity_check: row 12 missing from index idx_orders.",
    );
    expect(firstLine({ ...base, kind: "silent", database: null, reason: "no heartbeat for 2 min (grace 1 min): is the agent running?", startedAt: new Date(openedAt.getTime() - 120_000) })).toBe(
      "shop: the agent is silent: no heartbeat since 2026-11-02 09:58:00 UTC (2 min ago).",
    );
    expect(firstLine({ ...base, kind: "silent", database: null, event: "resolved", startedAt: new Date(openedAt.getTime() - 60_000), resolvedAt: new Date(openedAt.getTime() + 63_000) })).toBe(
      "shop: the agent is heard from again after 2 min 3s of silence.",
    );
  });

  it("a drill that could not run reads as such, not as a failed backup (a tester read DRILL FAILED for unreachable storage)", () => {
    const cannot = { ...base, kind: "drill_failed" as const, reason: "drill of primary could not run: cannot read replica s3://bucket/shop: ECONNREFUSED" };
    expect(subject(cannot)).toBe("[Borela] DRILL COULD NOT RUN: shop / primary — cannot read replica s3://bucket/shop: ECONNREFUSED");
    expect(textBody(cannot).split("\n")[0]).toBe("shop: the restore drill of primary could not run: cannot read replica s3://bucket/shop: ECONNREFUSED.");
    expect(subject({ ...cannot, event: "reminder", now: new Date(openedAt.getTime() + 86_400_000) })).toMatch(/^\[Borela\] DRILL STILL CANNOT RUN: shop \/ primary — cannot read replica/);
    expect(subject({ ...cannot, event: "resolved", resolvedAt: new Date(openedAt.getTime() + 3_600_000) })).toBe("[Borela] RESOLVED: shop / primary — a restore drill ran again after 60 min unable to run");
    // A failure keeps its words.
    expect(subject({ ...cannot, reason: "drill of primary failed: integrity_check: row 12 missing" })).toMatch(/^\[Borela\] DRILL FAILED: shop \/ primary — /);
    expect(webhookPayload(cannot).state).toBe("DRILL COULD NOT RUN");
    expect(webhookPayload({ ...cannot, reason: "drill of primary failed: x" }).state).toBe("DRILL FAILED");
  });

  it("a group of databases whose drills could not run reads so too; a group with one failure among them reads as failed (a tester: storage down for every database at once)", () => {
    const item = (db: string, reason: string): AlertContext => ({ ...base, kind: "drill_failed", database: db, reason });
    const b1 = item("b1", "drill of b1 could not run: cannot read replica s3://bucket/b1: ECONNREFUSED");
    const b2 = item("b2", "drill of b2 could not run: cannot read replica s3://bucket/b2: ECONNREFUSED");
    const group: AlertContext = { ...b1, database: "b1 and b2", reason: `b1: ${b1.reason}; b2: ${b2.reason}`, items: [b1, b2] };
    expect(subject(group)).toMatch(/^\[Borela\] DRILL COULD NOT RUN: shop \/ b1 and b2 — /);
    expect(textBody(group).split("\n")[0]).toMatch(/^shop: the restore drill of b1 and b2 could not run: /);
    expect(webhookPayload(group).state).toBe("DRILL COULD NOT RUN");
    const mixed: AlertContext = { ...group, items: [b1, item("b2", "drill of b2 failed: integrity_check: row 3 missing")] };
    expect(subject(mixed)).toMatch(/^\[Borela\] DRILL FAILED: /);
  });

  it("say what happened, since when, the newest upload and the last drill, and how to restore, in text and HTML", () => {
    const text = textBody(stale);
    expect(text.split("\n").slice(0, 6)).toEqual([
      "shop: the backup of primary is stale: changes made since 2026-11-02 09:55:00 UTC (5 min ago) have not reached the replica.",
      "",
      `What happened: ${base.reason}`,
      "Oldest unreplicated change: 2026-11-02 09:55:00 UTC (5 min ago)",
      "Last backup (newest upload to the replica): 2026-11-02 09:48:00 UTC (12 min ago)",
      "Last passing restore drill: never",
    ]);
    expect(text).toContain("To restore the latest backup:\n  litestream restore -o /tmp/primary-restored.sqlite3 s3://bucket/shop/primary\n");
    const html = htmlBody({ ...stale, reason: `<script>alert("x")</script>` });
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toContain('<pre style="background:#f4f4f4;padding:8px">litestream restore -o /tmp/primary-restored.sqlite3 s3://bucket/shop/primary</pre>');
  });

  it("a stale backup whose replica still receives uploads says how 'unreplicated' and 'newest upload' fit together", () => {
    const uploading = { ...stale, lastBackupAt: new Date(openedAt.getTime() - 2_000) };
    expect(textBody(uploading)).toContain(
      "Last backup (newest upload to the replica): 2026-11-02 09:59:58 UTC (2s ago); uploads go on, but changes made since 2026-11-02 09:55:00 UTC are not all in the replica yet",
    );
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

  it("a summary of many missed incidents stays one message within Discord's 25 fields", () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ ...stale, event: "missed" as const, database: `db${i}`, resolvedAt: new Date(openedAt.getTime() + 60_000) }));
    const summary = summaryOf(items, "https://borela.example.com", new Date(openedAt.getTime() + 3_600_000));
    expect(subject(summary)).toBe("[Borela] shop: 40 incidents opened and resolved before they could be announced");
    expect(discordPayload(summary).embeds[0].fields.length).toBeLessThanOrEqual(25);
    expect(textBody(summary)).toContain("- And: 20 more: see the dashboard");
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
