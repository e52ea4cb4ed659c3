// PagerDuty's Events API v2 is a cloud API that cannot run here: the receiver
// is a loopback stand-in for a cloud API, checking POST /v2/enqueue as
// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ documents it.
// An incident opened and closed through the real dispatcher (plan, deliver)
// reaches it as trigger then resolve with the same dedup_key: the page clears itself.
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { send } from "../../../src/alerts/channels.ts";
import { pagerduty, pagerdutyEvents } from "../../../src/alerts/channels/pagerduty.ts";
import { newId } from "../../../src/store/ids.ts";
import { alertConfig, clock, deliveriesOf, dispatcher, open, resolve, seedProject, tempStore, type TestStore } from "../fixtures.ts";
import { HOSTILE_REASON, hostile, LOOPBACK, opened } from "./contexts.ts";

const KEY = "R0123456789abcdef0123456789abcde";
let receiver: WebhookReceiver | null = null;
let db: TestStore | null = null;
afterEach(async () => {
  await receiver?.close();
  await db?.close();
  receiver = null;
  db = null;
});

describe("pagerduty", () => {
  it("an incident that opens and resolves through the dispatcher triggers then resolves one PagerDuty alert (dedup_key = incident id)", async () => {
    db = await tempStore();
    receiver = await startWebhookReceiver([202, 202]);
    const seeded = await seedProject(db.store, "paged");
    const target = pagerduty.checkTarget(`${receiver.url.replace(/\/hook$/, "")}/${KEY}`, true);
    await db.store.alertChannel.create({ data: { id: newId(), projectId: seeded.projectId, type: "pagerduty", target } });
    const T0 = new Date("2026-11-04T12:00:00Z");
    const c = clock(T0);
    const alerts = dispatcher(db.store, alertConfig({}), c);

    const { incident } = await open(db.store, seeded, "error", "Litestream: access denied to s3://bucket/paged", T0);
    await alerts.tick();
    c.advance(90);
    await resolve(db.store, seeded, "error", c.now());
    await alerts.tick();

    expect(receiver.received.map((r) => [r.method, r.path])).toEqual([
      ["POST", "/v2/enqueue"],
      ["POST", "/v2/enqueue"],
    ]);
    const [trigger, resolved] = receiver.received.map((r) => JSON.parse(r.body));
    expect(trigger).toEqual({
      routing_key: KEY,
      event_action: "trigger",
      dedup_key: incident!.id,
      payload: {
        summary: expect.stringMatching(/^\[Borela\] ERROR: paged \/ primary — /),
        source: "paged / primary",
        severity: "critical",
        timestamp: T0.toISOString(),
        component: "primary",
        group: "paged",
        class: "error",
        custom_details: expect.objectContaining({ "What happened": "Litestream: access denied to s3://bucket/paged", "Restore commands": expect.any(Array) }),
      },
      links: [{ href: `https://borela.example.com/projects/${seeded.projectId}`, text: "Open the dashboard" }],
      client: "Borela",
      client_url: `https://borela.example.com/projects/${seeded.projectId}`,
    });
    expect(resolved).toEqual({ routing_key: KEY, event_action: "resolve", dedup_key: incident!.id });
    expect(receiver.received[0].headers["content-type"]).toBe("application/json");
    const log = await deliveriesOf(db.store, incident!.id);
    expect(log.map((d) => [d.event, d.status])).toEqual([
      ["opened", "sent"],
      ["resolved", "sent"],
    ]);
    expect(log[1].log[0].detail).toBe(`resolve ${incident!.id}: HTTP 202 from ${new URL(receiver.url).host}`);
  });

  it("a test send triggers and at once resolves its own key, so nothing stays open", async () => {
    receiver = await startWebhookReceiver([202, 202]);
    const target = `${receiver.url.replace(/\/hook$/, "")}/${KEY}`;
    await send({ id: "c1", type: "pagerduty", target, secret: null }, opened({ event: "test", kind: "test", incidentId: undefined }), LOOPBACK);
    const [a, b] = receiver.received.map((r) => JSON.parse(r.body));
    expect([a.event_action, b.event_action]).toEqual(["trigger", "resolve"]);
    expect(a.dedup_key).toMatch(/^borela-test-p1-\d+$/);
    expect(b.dedup_key).toBe(a.dedup_key);
    expect(a.payload.severity).toBe("info");
  });

  it("carries reported text as plain JSON strings, unchanged", () => {
    const [e] = pagerdutyEvents(hostile(), KEY) as unknown as { payload: { summary: string; custom_details: Record<string, unknown> } }[];
    expect(e.payload.custom_details["What happened"]).toBe(HOSTILE_REASON);
    expect(e.payload.summary).toContain("<i>db</i>@here");
  });

  it("takes a 32-character integration key", () => {
    expect(pagerduty.checkTarget(KEY, false)).toBe(KEY);
    expect(pagerduty.checkTarget(`https://events.pagerduty.com/${KEY}`, false)).toBe(KEY);
    expect(() => pagerduty.checkTarget("not-a-key", false)).toThrow(/^target: the integration key \(part 1 of 1\) does not look like one/);
  });
});
