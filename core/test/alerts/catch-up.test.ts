// Incidents that came and went before a channel could send (no SMTP server
// configured yet, a receiver down) are told in one summary, never as a burst
// of opened + resolved pairs: the fault was 12 emails at once after setting
// BORELA_SMTP_URL and restarting. Real SMTP server and webhook receiver on
// loopback; each "restart" is a new dispatcher over the same store.
import { afterEach, describe, expect, it } from "vitest";
import { useSmtp } from "../support/use-smtp.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";
import { newId } from "../../src/store/ids.ts";
import { alertConfig, clock, deliveriesOf, dispatcher, open, resolve, seedProject, tempStore, type Clock, type Seeded, type TestStore } from "./fixtures.ts";
import type { Store } from "../../src/store/db.ts";

const T0 = new Date("2026-11-10T08:00:00Z");

const smtp = useSmtp();
let db: TestStore;
let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
  await db?.close();
});

/** Six stale incidents of 4 min 59s each, ten minutes apart, with the dispatcher ticking all along. */
async function sixStaleIncidents(store: Store, s: Seeded, c: Clock, tick: () => Promise<unknown>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const { incident } = await open(store, s, "stale", "changes to primary unreplicated for 5 min 1s on file:///backups/burst/primary (threshold 5 min)", c.now());
    ids.push(incident.id);
    await tick();
    c.advance(299);
    await resolve(store, s, "stale", c.now());
    await tick();
    c.advance(301);
  }
  return ids;
}

describe("catching up after a channel could not send", () => {
  it("BORELA_ALERT_EMAIL and BORELA_SMTP_URL set after six incidents came and went: one summary email, not twelve", async () => {
    db = await tempStore();
    const { store } = db;
    const burst = await seedProject(store, "burst");
    const c = clock(T0);
    const before = dispatcher(store, alertConfig({}), c);
    const ids = await sixStaleIncidents(store, burst, c, () => before.tick());
    await before.stop();

    c.advance(600);
    const after = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
    for (let i = 0; i < 3; i++) await after.tick();
    expect(smtp.messages.map((m) => m.subject)).toEqual(["[Borela] burst: 6 incidents opened and resolved before they could be announced"]);
    const text = smtp.messages[0].text!;
    expect(text.split("\n")[0]).toMatch(/^6 incidents opened and resolved while alerts could not be sent here/);
    // Each incident once, with its real span: the oldest unreplicated change (stale threshold before it opened) to when it caught up.
    const lines = text.split("\n").filter((l) => l.startsWith("- burst / primary: "));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe("- burst / primary: stale, replica caught up after 9 min 59s unreplicated (2026-11-10 07:55:00 UTC to 2026-11-10 08:04:59 UTC)");
    for (const id of ids) {
      expect((await deliveriesOf(store, id)).map((d) => [d.event, d.status])).toEqual([["missed", "sent"]]);
    }
    expect((await deliveriesOf(store, ids[0]))[0].log[0].detail).toMatch(/one summary of 6 incidents/);
  });

  it("with alert emails set all along but no SMTP: nothing is attempted meanwhile, one summary once SMTP is set; incidents over for more than a day are dropped", async () => {
    db = await tempStore();
    const { store } = db;
    const quiet = await seedProject(store, "quiet", { alertEmails: "owner@example.com" });
    const c = clock(T0);
    // An incident long over: resolved two days before SMTP arrives.
    const { incident: old } = await open(store, quiet, "error", "database file missing at /data/primary.sqlite3", c.now());
    c.advance(60);
    await resolve(store, quiet, "error", c.now());
    c.advance(2 * 86_400);
    const before = dispatcher(store, alertConfig({}), c);
    await before.tick();
    const ids = await sixStaleIncidents(store, quiet, c, () => before.tick());
    expect(await store.delivery.count()).toBe(0);

    const after = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url }), c);
    for (let i = 0; i < 3; i++) await after.tick();
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].subject).toBe("[Borela] quiet: 6 incidents opened and resolved before they could be announced");
    expect(smtp.envelopes[0]).toEqual(["owner@example.com"]);
    expect(smtp.messages[0].text).not.toContain("database file missing");
    expect(await deliveriesOf(store, old.id)).toEqual([]);
    expect((await Promise.all(ids.map((id) => deliveriesOf(store, id)))).flat()).toHaveLength(6);
  });

  it("an incident still open when SMTP arrives is announced on its own, beside the one summary of those that ended", async () => {
    db = await tempStore();
    const { store } = db;
    const mixed = await seedProject(store, "mixed");
    const c = clock(T0);
    const before = dispatcher(store, alertConfig({}), c);
    await sixStaleIncidents(store, mixed, c, () => before.tick());
    await open(store, mixed, "error", "database file missing at /data/primary.sqlite3", c.now());
    c.advance(30);
    const after = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
    for (let i = 0; i < 3; i++) await after.tick();
    expect(smtp.messages.map((m) => m.subject).sort()).toEqual([
      "[Borela] ERROR: mixed / primary — database file missing at /data/primary.sqlite3",
      "[Borela] mixed: 6 incidents opened and resolved before they could be announced",
    ]);
  });

  it("a webhook heard seven incidents come and go while SMTP was not set: the email still gets its one summary once SMTP is set", async () => {
    db = await tempStore();
    const { store } = db;
    const told = await seedProject(store, "told");
    receiver = await startWebhookReceiver();
    await store.alertChannel.create({ data: { id: newId(), projectId: told.projectId, type: "webhook", target: receiver.url } });
    const c = clock(T0);
    const env = { BORELA_ALERT_EMAIL: "ops@example.com", BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true" };
    const before = dispatcher(store, alertConfig(env), c);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { incident } = await open(store, told, "error", `Litestream: access denied (${i})`, c.now());
      ids.push(incident.id);
      await before.tick();
      c.advance(90);
      await resolve(store, told, "error", c.now());
      await before.tick();
      c.advance(60);
    }
    await before.stop();
    expect(receiver.received.map((r) => JSON.parse(r.body).event)).toEqual(Array.from({ length: 7 }, () => ["opened", "resolved"]).flat());

    const after = dispatcher(store, alertConfig({ ...env, BORELA_SMTP_URL: smtp.url }), c);
    for (let i = 0; i < 3; i++) await after.tick();
    expect(smtp.messages.map((m) => m.subject)).toEqual(["[Borela] told: 7 incidents opened and resolved before they could be announced"]);
    expect(smtp.envelopes[0]).toEqual(["ops@example.com"]);
    expect(receiver.received).toHaveLength(14);
  });

  it("a webhook receiver down while three incidents came and went gets one summary POST listing them when it is back", async () => {
    db = await tempStore();
    const { store } = db;
    const hooked = await seedProject(store, "hooked");
    // The receiver answers 503 to everything until it is "back".
    receiver = await startWebhookReceiver(Array.from({ length: 1000 }, () => 503));
    await store.alertChannel.create({ data: { id: newId(), projectId: hooked.projectId, type: "webhook", target: receiver.url } });
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({}), c);
    for (let i = 0; i < 3; i++) {
      await open(store, hooked, "error", `Litestream: access denied (${i})`, c.now());
      await alerts.tick();
      c.advance(120);
      await resolve(store, hooked, "error", c.now());
      await alerts.tick();
      c.advance(600);
    }
    const failures = receiver.received.length;
    expect(failures).toBeGreaterThan(0);
    const refused = receiver.received;
    await receiver.close();
    receiver = await startWebhookReceiver();
    await store.alertChannel.updateMany({ where: { projectId: hooked.projectId }, data: { target: receiver.url } });
    c.advance(3600);
    for (let i = 0; i < 3; i++) await alerts.tick();
    expect(receiver.received).toHaveLength(1);
    const body = JSON.parse(receiver.received[0].body);
    expect(body).toMatchObject({ event: "summary", subject: "[Borela] hooked: 3 incidents opened and resolved before they could be announced" });
    // Messages composed anew as incidents ended got keys of their own: every key, refused or taken, names one body.
    const bodies = new Map<string, Set<string>>();
    for (const h of [...refused, ...receiver.received]) bodies.set(String(h.headers["idempotency-key"]), (bodies.get(String(h.headers["idempotency-key"])) ?? new Set()).add(h.body));
    expect([...bodies.values()].every((b) => b.size === 1)).toBe(true);
    expect(bodies.size).toBeGreaterThan(1);
    expect(body.incidents.map((i: { event: string; kind: string; reason: string; durationSeconds: number }) => [i.event, i.kind, i.reason, i.durationSeconds])).toEqual([
      ["missed", "error", "Litestream: access denied (0)", 120],
      ["missed", "error", "Litestream: access denied (1)", 120],
      ["missed", "error", "Litestream: access denied (2)", 120],
    ]);
    const rows = await store.delivery.findMany({ where: { status: { not: "sent" } } });
    expect(rows).toEqual([]);
  });
});
