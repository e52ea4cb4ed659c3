// Pushover is a cloud service that cannot run here: the receiver is a loopback
// stand-in for a cloud API, checking POST /1/messages.json as
// https://pushover.net/api documents it (form-encoded token, user, message…).
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { send } from "../../../src/alerts/channels.ts";
import { pushover, pushoverMessage } from "../../../src/alerts/channels/pushover.ts";
import { hostile, LOOPBACK, opened } from "./contexts.ts";

const APP = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const USER = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe("pushover", () => {
  it("POSTs a form with token, user, title, HTML message, priority and the dashboard link", async () => {
    receiver = await startWebhookReceiver();
    const target = pushover.checkTarget(`${receiver.url.replace(/\/hook$/, "")}/${APP}/${USER}`, true);
    await send({ id: "c1", type: "pushover", target, secret: null }, opened(), LOOPBACK);
    const [r] = receiver.received;
    expect(r.method).toBe("POST");
    expect(r.path).toBe("/1/messages.json");
    expect(r.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = Object.fromEntries(new URLSearchParams(r.body));
    expect(form).toEqual({
      token: APP,
      user: USER,
      title: expect.stringMatching(/^\[Borela\] ERROR: shop \/ app — /),
      message: expect.stringContaining("<b>What happened:</b> Litestream: access denied to s3://bucket/shop"),
      html: "1",
      priority: "1",
      url: "https://borela.example.com/projects/p1",
      url_title: "Open the dashboard",
      timestamp: String(Date.parse("2026-11-02T10:00:00Z") / 1000),
    });
    expect(form.message.length).toBeLessThanOrEqual(1024);
  });

  it("HTML-escapes reported text: the only tags are Borela's <b>", () => {
    const m = pushoverMessage(hostile());
    expect([...new Set(m.match(/<[^>]*>/g))].sort()).toEqual(["</b>", "<b>"]);
    expect(m).toContain("&lt;a href=&quot;https://evil.example&quot;&gt;");
  });

  it("names the key that is wrong", () => {
    expect(pushover.checkTarget(`${APP}/${USER}`, false)).toBe(`${APP}/${USER}`);
    expect(() => pushover.checkTarget(`${APP}/short`, false)).toThrow(/^target: the user key \(part 2 of 2\)/);
    expect(() => pushover.checkTarget(USER, false)).toThrow(/^target must be <application token>\/<user key> for a pushover channel/);
  });
});
