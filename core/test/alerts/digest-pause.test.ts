// The weekly digest over a real SMTP server names every project still paused,
// with the window's end, its reason and how long it has been on, so a pause
// nobody remembers holding alerts is seen; an ended window is not listed.
import { afterEach, describe, expect, it } from "vitest";
import { useSmtp } from "../support/use-smtp.ts";
import { sendDigestNow } from "../../src/alerts/digest.ts";
import { alertConfig, seedProject, tempStore, type TestStore } from "./fixtures.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-11-30T08:00:30Z"); // ISO week 2026-W49

const smtp = useSmtp();
let db: TestStore | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

describe("weekly digest and pause windows", () => {
  it("lists each paused project with its end, reason and age; not one whose window ended, nor one never paused", async () => {
    db = await tempStore();
    const forgotten = await seedProject(db.store, "forgotten");
    const today = await seedProject(db.store, "today");
    const ended = await seedProject(db.store, "ended");
    await seedProject(db.store, "never");
    const store = db.store;
    await store.project.update({ where: { id: forgotten.projectId }, data: { pausedAt: new Date(NOW.getTime() - 3 * DAY), pausedUntil: new Date("2026-12-20T14:00:00Z"), pauseReason: "migrating <to> Postgres & back" } });
    await store.project.update({ where: { id: today.projectId }, data: { pausedAt: new Date(NOW.getTime() - 3_600_000), pausedUntil: new Date("2026-11-30T14:00:00Z"), pauseReason: null } });
    await store.project.update({ where: { id: ended.projectId }, data: { pausedAt: new Date(NOW.getTime() - 2 * DAY), pausedUntil: new Date(NOW.getTime() - DAY), pauseReason: "old" } });

    await sendDigestNow(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), NOW);
    const [mail] = smtp.messages.filter((m) => m.subject?.startsWith("[Borela] Weekly digest"));
    expect(mail.subject).toBe("[Borela] Weekly digest 2026-W49: 4 projects, 4 need attention, 2 paused");
    const text = mail.text!;
    const section = text.slice(text.indexOf("Paused: no alert is sent"), text.indexOf("RTO: how long"));
    expect(section.trim().split("\n")).toEqual([
      "Paused: no alert is sent for these projects until their window ends.",
      "  forgotten: paused until 2026-12-20 14:00 UTC: migrating <to> Postgres & back (paused 3 days ago)",
      "  today: paused until 14:00 UTC (paused 60 min ago)",
    ]);
    expect(mail.html).toContain("<li>forgotten: paused until 2026-12-20 14:00 UTC: migrating &lt;to&gt; Postgres &amp; back (paused 3 days ago)</li>");
    expect(mail.html).not.toContain("<to>");
    expect(text).not.toContain("ended:");
    expect(text).not.toContain("never:");
  });

  it("has no paused section and no count in the subject when nothing is paused", async () => {
    db = await tempStore();
    await seedProject(db.store, "quiet");
    await sendDigestNow(db.store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), NOW);
    const [mail] = smtp.messages;
    expect(mail.subject).not.toContain("paused");
    expect(mail.text).not.toContain("Paused");
    expect(mail.html).not.toContain("<ul>");
  });
});
