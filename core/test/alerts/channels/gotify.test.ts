// Gotify against a receiver on loopback that checks POST /message as
// https://gotify.net/docs/pushmsg and the API's X-Gotify-Key header document it.
// The real server is open source, but it cannot be installed on these machines: the Go
// module proxy answers 403 for github.com/gotify/server/v2. The receiver stands in for it.
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { send } from "../../../src/alerts/channels.ts";
import { gotify, gotifyPayload } from "../../../src/alerts/channels/gotify.ts";
import { HOSTILE_REASON, hostile, LOOPBACK, opened } from "./contexts.ts";

let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe("gotify", () => {
  it("POSTs title, message, priority and extras to <server>/message with the application token", async () => {
    receiver = await startWebhookReceiver();
    const target = gotify.checkTarget(receiver.url.replace(/\/hook$/, "/gotify/"), true);
    const detail = await send({ id: "c1", type: "gotify", target, secret: "AvKTNnF1Xy.3Eq8" }, opened(), LOOPBACK);
    expect(detail).toMatch(/^HTTP 200 from 127\.0\.0\.1:\d+$/);
    const [r] = receiver.received;
    expect(r.method).toBe("POST");
    expect(r.path).toBe("/gotify/message");
    expect(r.headers["x-gotify-key"]).toBe("AvKTNnF1Xy.3Eq8");
    expect(r.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(r.body)).toEqual({
      title: expect.stringMatching(/^\[Borela\] ERROR: shop \/ app — /),
      message: expect.stringContaining("What happened: Litestream: access denied to s3://bucket/shop"),
      priority: 8,
      extras: { "client::display": { contentType: "text/plain" }, "client::notification": { click: { url: "https://borela.example.com/projects/p1" } } },
    });
  });

  it("declares reported text plain text, so no client renders it as Markdown", () => {
    const p = gotifyPayload(hostile());
    expect(p.extras["client::display"].contentType).toBe("text/plain");
    expect(p.message).toContain(HOSTILE_REASON);
  });

  it("accepts the server URL or its /message URL", () => {
    expect(gotify.checkTarget("https://push.example.com/message", false)).toBe("https://push.example.com/");
    expect(() => gotify.checkTarget("push.example.com", false)).toThrow(/^target "push.example.com" is not a URL/);
  });
});
