// Issue 17 item 6: an alert email's recipients live in Delivery.target, not only inside the dedupe key
// they used to be parsed back out of. The planner writes the column (an alert email's addresses; null for a
// channel row, whose webhook URL may carry a secret and stays in its own row), a retry sends to the
// column's addresses, and the deliveries API shows them. Real SMTP server on loopback; the first attempt
// fails while it is down, the test moves the column's recipients (the key still names the old ones), the
// retry goes where the column says.
import { afterEach, describe, expect, it } from "vitest";
import { useSmtp } from "../support/use-smtp.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { newId } from "../../src/store/ids.ts";
import { parseDeliveryKey } from "../../src/alerts/delivery-key.ts";
import { openIncident } from "../../src/incidents/open-resolve.ts";
import { alertConfig, clock, deliveriesOf, dispatcher, open, seedProject, tempStore, type TestStore } from "./fixtures.ts";

const T0 = new Date("2026-11-10T08:00:00Z");
const SECRET_HOOK = "http://127.0.0.1:9/hook/T000/B000/secretpath";

const smtp = useSmtp();
let db: TestStore | null = null;
let core: TestCore | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
  await core?.close();
  core = null;
});

describe("Delivery.target", () => {
  it("planning writes an alert email's recipients to the column, a channel row's delivery keeps none", async () => {
    db = await tempStore();
    const { store } = db;
    const shop = await seedProject(store, "shop", { alertEmails: "ops@example.com, oncall@example.com" });
    await store.alertChannel.create({ data: { id: newId(), projectId: shop.projectId, type: "webhook", target: SECRET_HOOK } });
    const c = clock(T0);
    await smtp.down();
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url }), c);
    const { incident } = await open(store, shop, "error", "Litestream: access denied to the replica", T0);
    await alerts.tick();
    const rows = await deliveriesOf(store, incident.id);
    expect(rows.map((d) => [d.event, d.channelId ? "channel" : "email", d.target])).toEqual(
      expect.arrayContaining([
        ["opened", "email", "ops@example.com,oncall@example.com"],
        ["opened", "channel", null],
      ]),
    );
    expect(rows).toHaveLength(2);
    // What makes two deliveries the same is unchanged: the key still names the recipients.
    const email = rows.find((d) => !d.channelId)!;
    expect(parseDeliveryKey(email.dedupeKey)).toEqual({ incidentId: incident.id, channel: "email:ops@example.com,oncall@example.com", event: "opened", seq: 0 });
    await alerts.stop();
    await smtp.up();
  });

  it("a retry sends to the column's recipients, not to the addresses inside the key", async () => {
    db = await tempStore();
    const { store } = db;
    const shop = await seedProject(store, "moved", { alertEmails: "ops@example.com" });
    const c = clock(T0);
    await smtp.down();
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url }), c);
    const { incident } = await open(store, shop, "error", "Litestream: access denied to the replica", T0);
    await alerts.tick();
    const [first] = await deliveriesOf(store, incident.id);
    expect(first).toMatchObject({ status: "pending", attempts: 1, target: "ops@example.com" });
    await store.delivery.update({ where: { id: first.id }, data: { target: "oncall@example.com" } });
    await smtp.up();
    c.advance(5);
    await alerts.tick();
    expect(smtp.envelopes).toEqual([["oncall@example.com"]]);
    const [sent] = await deliveriesOf(store, incident.id);
    expect(sent).toMatchObject({ status: "sent", dedupeKey: `${incident.id}:email:ops@example.com:opened:0` });
    await alerts.stop();
  });

  it("the deliveries API shows an alert email's recipients from the column and a channel's target as its channel's view shows it", async () => {
    core = await startTestCore({ BORELA_SMTP_URL: smtp.url, BORELA_MAIL_FROM: "borela@test.local", BORELA_ALERT_EMAIL: "ops@example.com" });
    const p = await core.createProject("apishop");
    const channel = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type: "webhook", target: SECRET_HOOK } });
    expect(channel.status).toBe(201);
    const { incident } = await openIncident(core.store, { projectId: p.id, databaseId: null, kind: "error", reason: "agent reports: access denied" }, new Date());
    await core.alerts.tick();
    // A sent delivery shows what it used (recorded at its attempt), not the column as it is now; one not yet
    // attempted shows the column: the recorded columns are cleared here to stand for that.
    const email = await core.store.delivery.findFirstOrThrow({ where: { incidentId: incident.id, channelId: null } });
    expect(email.channelType).toBe("email");
    expect(email.channelTarget).toBe("ops@example.com");
    await core.store.delivery.update({ where: { id: email.id }, data: { target: "shown@example.com", channelType: null, channelTarget: null } });
    const res = await core.api("GET", `/api/v1/incidents/${incident.id}/deliveries`);
    expect(res.status).toBe(200);
    const byType = Object.fromEntries((res.body as { channel: { type: string; target: string | null } }[]).map((d) => [d.channel.type, d.channel.target]));
    // A channel's target is shown exactly as the channel's own view shows it (redacted there when it may hold a secret).
    const shown = (await core.api("GET", `/api/v1/alert-channels/${channel.body.id}`)).body as { target: string };
    expect(byType).toEqual({ email: "shown@example.com", webhook: shown.target });
  });
});
