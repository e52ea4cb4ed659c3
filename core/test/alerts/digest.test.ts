// The weekly digest over a real SMTP server: every project's freshness, last
// drill, RTO/RPO and storage growth; sent at the cron's fire time, once per
// ISO week however many dispatchers run, retried when SMTP is down.
import { afterEach, describe, expect, it } from "vitest";
import { useSmtp } from "../support/use-smtp.ts";
import { newId } from "../../src/store/ids.ts";
import type { Store } from "../../src/store/db.ts";
import { sendDigestNow } from "../../src/alerts/digest.ts";
import { alertConfig, clock, dispatcher, seedProject, tempStore, type TestStore } from "./fixtures.ts";

const DAY = 86_400_000;
const MONDAY_0800 = new Date("2026-11-30T08:00:00Z"); // ISO week 2026-W49

const smtp = useSmtp();
let db: TestStore | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

async function heartbeatAt(store: Store, projectId: string, at: Date, storageBytes: number) {
  await store.heartbeat.create({ data: { id: newId(at.getTime()), projectId, receivedAt: at, sentAt: at, storageBytes: BigInt(storageBytes), payload: "{}" } });
}

/** alpha: fresh, drilled (RTO 1.2 s, RPO 4 s), grew 8 KiB to 24 KiB this week; beta: stale, never drilled, no heartbeat. */
async function seedTwo(store: Store, now: Date) {
  const createdAt = new Date(now.getTime() - 10 * DAY);
  const alpha = await seedProject(store, "alpha", { createdAt });
  const beta = await seedProject(store, "beta", { createdAt });
  await store.project.update({ where: { id: beta.projectId }, data: { status: "stale" } });
  await heartbeatAt(store, alpha.projectId, new Date(now.getTime() - 9 * DAY), 4096);
  await heartbeatAt(store, alpha.projectId, new Date(now.getTime() - 6 * DAY), 8192);
  await heartbeatAt(store, alpha.projectId, new Date(now.getTime() - 60_000), 24_576);
  const finishedAt = new Date(now.getTime() - 2 * DAY);
  await store.drill.create({
    data: { id: newId(), projectId: alpha.projectId, databaseId: alpha.databaseId, status: "passed", queuedAt: finishedAt, finishedAt, report: JSON.stringify({ restoreSeconds: 1.234, rpoSeconds: 4 }) },
  });
  await store.alertChannel.create({ data: { id: newId(), projectId: null, type: "email", target: "cto@example.com" } });
}

const digests = () => smtp.messages.filter((m) => m.subject?.startsWith("[Borela] Weekly digest"));

describe("weekly digest", () => {
  it("lists every project's freshness, last drill, RTO/RPO and storage growth", async () => {
    db = await tempStore();
    const now = new Date(MONDAY_0800.getTime() + 30_000);
    await seedTwo(db.store, now);
    const config = alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" });
    expect(await sendDigestNow(db.store, config, now)).toMatch(/accepted for ops@example.com, cto@example.com/);
    const [mail] = digests();
    expect(mail.subject).toBe("[Borela] Weekly digest 2026-W49: 2 projects, 1 needs attention");
    expect(smtp.envelopes[0]).toEqual(["ops@example.com", "cto@example.com"]);
    const lines = mail.text!.split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^project\s+freshness\s+last drill\s+RTO\s+RPO\s+storage$/));
    expect(lines).toContainEqual(expect.stringMatching(/^alpha\s+fresh\s+passed 2 days ago\s+1\.2s\s+4s\s+24 KiB \(\+16 KiB this week\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^beta\s+stale\s+never drilled\s+-\s+-\s+-$/));
    expect(mail.text).toContain("Dashboard: https://borela.example.com/");
    expect(mail.html).toContain("<td align=\"left\">24 KiB (+16 KiB this week)</td>");
  });

  it("says a drill that could not run in those words, and a long restore time in minutes", async () => {
    db = await tempStore();
    const now = new Date(MONDAY_0800.getTime() + 30_000);
    const gamma = await seedProject(db.store, "gamma");
    const delta = await seedProject(db.store, "delta");
    const finishedAt = new Date(now.getTime() - 3 * 3600_000);
    await db.store.drill.create({ data: { id: newId(), projectId: gamma.projectId, status: "error", queuedAt: finishedAt, finishedAt, report: JSON.stringify({ restoreSeconds: null }) } });
    await db.store.drill.create({ data: { id: newId(), projectId: delta.projectId, status: "passed", queuedAt: finishedAt, finishedAt, report: JSON.stringify({ restoreSeconds: 754.2, rpoSeconds: 0 }) } });
    await sendDigestNow(db.store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), now);
    const lines = digests()[0].text!.split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^gamma\s+fresh\s+could not run 3 h ago\s+-\s+-\s+-$/));
    expect(lines).toContainEqual(expect.stringMatching(/^delta\s+fresh\s+passed 3 h ago\s+12 min 34s\s+0s\s+-$/));
  });

  it("goes out at the cron's fire time, once per ISO week, whatever the number of dispatchers", async () => {
    db = await tempStore();
    const store = db.store;
    await seedTwo(store, MONDAY_0800);
    const config = alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" });
    const c = clock(new Date("2026-11-29T12:00:00Z"));
    const [a, b] = [dispatcher(store, config, c), dispatcher(store, config, c)];
    await a.tick();
    expect(digests()).toHaveLength(0);
    c.set(new Date(MONDAY_0800.getTime() - 1000));
    await a.tick();
    expect(digests()).toHaveLength(0);
    c.set(new Date(MONDAY_0800.getTime() + 1000));
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    c.advance(3600);
    await Promise.all([a.tick(), b.tick()]);
    expect(digests().map((m) => m.subject?.split(":")[0])).toEqual(["[Borela] Weekly digest 2026-W49"]);
    c.set(new Date(MONDAY_0800.getTime() + 7 * DAY + 5000));
    await a.tick();
    await b.tick();
    expect(digests().map((m) => m.subject?.split(":")[0])).toEqual(["[Borela] Weekly digest 2026-W49", "[Borela] Weekly digest 2026-W50"]);
    const rows = await store.delivery.findMany({ where: { event: "digest" }, orderBy: { dedupeKey: "asc" } });
    expect(rows.map((r) => [r.dedupeKey, r.status, r.attempts])).toEqual([
      ["digest:2026-W49", "sent", 1],
      ["digest:2026-W50", "sent", 1],
    ]);
  });

  it("is retried when SMTP is down at the fire time, and sent once it is back", async () => {
    db = await tempStore();
    await seedTwo(db.store, MONDAY_0800);
    const c = clock(new Date(MONDAY_0800.getTime() + 1000));
    const alerts = dispatcher(db.store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
    await smtp.stop();
    await alerts.tick();
    c.advance(1);
    await alerts.tick();
    await smtp.restart();
    c.advance(2);
    await alerts.tick();
    await alerts.tick();
    expect(digests()).toHaveLength(1);
    const row = await db.store.delivery.findUniqueOrThrow({ where: { dedupeKey: "digest:2026-W49" } });
    expect(row).toMatchObject({ status: "sent", attempts: 3 });
    expect((JSON.parse(row.log) as { ok: boolean }[]).map((l) => l.ok)).toEqual([false, false, true]);
  });

  it("is not sent for a week no project existed at its fire time: a core set up after Monday 08:00 waits for the next Monday", async () => {
    db = await tempStore();
    // Installed on Monday at 10:00, SMTP and a recipient set at once: the W49 digest has nothing to report.
    const installedAt = new Date(MONDAY_0800.getTime() + 2 * 3600_000);
    await seedProject(db.store, "newcomer", { createdAt: installedAt });
    const c = clock(new Date(installedAt.getTime() + 60_000));
    const alerts = dispatcher(db.store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
    await alerts.tick();
    c.advance(3600);
    await alerts.tick();
    expect(digests()).toHaveLength(0);
    expect(await db.store.delivery.count({ where: { event: "digest" } })).toBe(0);
    // The next Monday the project existed at the fire time: that digest goes out.
    c.set(new Date(MONDAY_0800.getTime() + 7 * DAY + 1000));
    await alerts.tick();
    expect(digests().map((m) => m.subject)).toEqual(["[Borela] Weekly digest 2026-W50: 1 project, 1 needs attention"]);
    await alerts.stop();
  });

  it("is not planned without recipients", async () => {
    db = await tempStore();
    await seedProject(db.store, "lonely");
    const alerts = dispatcher(db.store, alertConfig({ BORELA_SMTP_URL: smtp.url }), clock(new Date(MONDAY_0800.getTime() + 1000)));
    await alerts.tick();
    expect(await db.store.delivery.count()).toBe(0);
    await expect(sendDigestNow(db.store, alertConfig({ BORELA_SMTP_URL: smtp.url }))).rejects.toThrow("no digest recipients: set BORELA_ALERT_EMAIL or add an operator-level email channel");
  });
});
