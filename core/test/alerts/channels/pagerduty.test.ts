// PagerDuty's Events API v2 is a cloud API that cannot run here: the receiver
// is a loopback stand-in for a cloud API, checking POST /v2/enqueue as
// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ documents it.
// An incident opened and closed through the real dispatcher (plan, deliver)
// reaches it as trigger then resolve with the same dedup_key: the page clears itself.
import { describe, expect, it } from "vitest";
import { send } from "../../../src/alerts/channels.ts";
import { pagerduty, pagerdutyEvents } from "../../../src/alerts/channels/pagerduty.ts";
import { deliveriesOf } from "../fixtures.ts";
import { useRoundTrip } from "./round-trip.ts";
import { HOSTILE_REASON, hostile, LOOPBACK, opened } from "./contexts.ts";

const KEY = "R0123456789abcdef0123456789abcde";
const { roundTrip, receiver: startReceiver } = useRoundTrip();

describe("pagerduty", () => {
  it("an incident that opens and resolves through the dispatcher triggers then resolves one PagerDuty alert (dedup_key = incident id)", async () => {
    const { db, receiver, seeded, incident, openedAt: T0 } = await roundTrip("paged", "pagerduty", pagerduty.checkTarget, KEY);

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
    const receiver = await startReceiver([202, 202]);
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
