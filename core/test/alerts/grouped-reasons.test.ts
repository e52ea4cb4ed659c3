// One heartbeat puts two databases of a project in error for different
// reasons: the grouped message (grouping.ts) must not give the first
// database's reason for both, nor one database's duration for both when they
// resolve together. The fault: "[Borela] ERROR: ops / app and lt — reason AAA
// disk full" and "ops: app and lt are in error: app: reason AAA disk full.".
// Real dispatcher, a real SMTP server and a webhook receiver on loopback.
import { afterEach, describe, expect, it } from "vitest";
import { useSmtp } from "../support/use-smtp.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";
import { newId } from "../../src/store/ids.ts";
import { openIncident, resolveIncident } from "../../src/incidents/open-resolve.ts";
import { alertConfig, clock, dispatcher, seedProject, tempStore, type Seeded, type TestStore } from "./fixtures.ts";
import type { Store } from "../../src/store/db.ts";

const T0 = new Date("2026-11-10T08:00:00Z");
const smtp = useSmtp();
let db: TestStore;
let receiver: WebhookReceiver | null = null;
// The weekly digest falls due too (T0 is within a day of Monday 08:00): only alert emails are looked at.
const alertMails = () => smtp.messages.filter((m) => !m.subject!.startsWith("[Borela] Weekly digest"));
const alertMail = (n: number) => alertMails()[n];
const alertsSent = () => alertMails().map((m) => m.subject);
afterEach(async () => {
  await receiver?.close();
  receiver = null;
  await db?.close();
});

/** Project "ops": its seeded database (renamed `first` when given) and a second one, "lt". */
async function opsWithLt(store: Store, first?: string): Promise<{ ops: Seeded; lt: string }> {
  const ops = await seedProject(store, "ops");
  if (first) await store.database.update({ where: { id: ops.databaseId }, data: { name: first } });
  const lt = newId();
  await store.database.create({ data: { id: lt, projectId: ops.projectId, name: "lt", path: "/data/lt.sqlite3" } });
  return { ops, lt };
}

describe("a grouped alert over databases with different reasons", () => {
  it("names each database's own reason in subject and headline", async () => {
    db = await tempStore();
    const { store } = db;
    const { ops, lt } = await opsWithLt(store, "app");
    receiver = await startWebhookReceiver();
    await store.alertChannel.create({ data: { id: newId(), projectId: ops.projectId, type: "webhook", target: receiver.url } });
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);

    await openIncident(store, { projectId: ops.projectId, databaseId: ops.databaseId, kind: "error", reason: "reason AAA disk full" }, c.now());
    await openIncident(store, { projectId: ops.projectId, databaseId: lt, kind: "error", reason: "reason BBB credentials refused" }, c.now());
    await alerts.tick();
    expect(alertsSent()).toEqual(["[Borela] ERROR: ops / app and lt — app: reason AAA disk full; lt: reason BBB credentials refused"]);
    expect(alertMail(0).text!.split("\n")[0]).toBe("ops: app and lt are in error: app: reason AAA disk full; lt: reason BBB credentials refused.");
    const opened = JSON.parse(receiver.received[0].body);
    expect(opened.subject).toBe(alertMail(0).subject);
    expect(opened.headline).toBe(alertMail(0).text!.split("\n")[0]);

  });

  it("too long to name each reason in a subject: says how many reasons, each stays in the body", async () => {
    db = await tempStore();
    const { store } = db;
    const { ops, lt } = await opsWithLt(store);
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
    const long = (tag: string) => `${tag} the disk under the database filled up and Litestream cannot write its shadow WAL any more, free some space`;
    await openIncident(store, { projectId: ops.projectId, databaseId: ops.databaseId, kind: "error", reason: long("AAA") }, c.now());
    await openIncident(store, { projectId: ops.projectId, databaseId: lt, kind: "error", reason: long("BBB") }, c.now());
    await alerts.tick();
    expect(alertsSent()).toEqual(["[Borela] ERROR: ops / lt and primary — 2 reasons, one per database (see each)"]);
    expect(alertMail(0).text).toContain(`lt: ${long("BBB")}`);
    expect(alertMail(0).text).toContain(`primary: ${long("AAA")}`);
  });
  it("a grouped resolve of databases in error for 5 min and 1 min says both, not the longest for all", async () => {
    db = await tempStore();
    const { store } = db;
    const { ops, lt } = await opsWithLt(store, "app");
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
    await openIncident(store, { projectId: ops.projectId, databaseId: ops.databaseId, kind: "error", reason: "reason AAA disk full" }, c.now());
    await alerts.tick();
    c.advance(240);
    await openIncident(store, { projectId: ops.projectId, databaseId: lt, kind: "error", reason: "reason AAA disk full" }, c.now());
    await alerts.tick();
    c.advance(60);
    await resolveIncident(store, { projectId: ops.projectId, databaseId: ops.databaseId, kind: "error" }, c.now());
    await resolveIncident(store, { projectId: ops.projectId, databaseId: lt, kind: "error" }, c.now());
    for (let i = 0; i < 2; i++) await alerts.tick();
    expect(alertsSent()).toEqual([
      "[Borela] ERROR: ops / app — reason AAA disk full",
      "[Borela] ERROR: ops / lt — reason AAA disk full",
      "[Borela] RESOLVED: ops / app and lt — no longer in error, after 60s to 5 min",
    ]);
    expect(alertMail(2).text!.split("\n")[0]).toBe("ops: app and lt are no longer in error, after 60s to 5 min.");
  });
});
