// ntfy against a receiver on loopback that checks the JSON publish as
// https://docs.ntfy.sh/publish/#publish-as-json documents it: POST to the
// server's root URL, topic in the body, Bearer token when the channel has one.
// The real server is open source, but it cannot be installed on these machines: the Go
// module proxy answers 403 for heckel.io/ntfy/v2. The receiver stands in for it.
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { send } from "../../../src/alerts/channels.ts";
import { ntfy, ntfyPayload } from "../../../src/alerts/channels/ntfy.ts";
import { HOSTILE_REASON, hostile, LOOPBACK, opened } from "./contexts.ts";

let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe("ntfy", () => {
  it("publishes title, message, priority, tags and click to the server root, with the token as Bearer", async () => {
    receiver = await startWebhookReceiver();
    const target = ntfy.checkTarget(receiver.url.replace(/\/hook$/, "/borela-alerts"), true);
    const token = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2";
    await send({ id: "c1", type: "ntfy", target, secret: token }, opened(), LOOPBACK);
    await send({ id: "c1", type: "ntfy", target, secret: null }, opened({ event: "resolved", resolvedAt: new Date("2026-11-02T10:04:00Z") }), LOOPBACK);
    const [open, resolved] = receiver.received;
    expect(open.method).toBe("POST");
    expect(open.path).toBe("/");
    expect(open.headers.authorization).toBe(`Bearer ${token}`);
    expect(open.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(open.body)).toEqual({
      topic: "borela-alerts",
      title: expect.stringMatching(/^\[Borela\] ERROR: shop \/ app — /),
      message: expect.stringContaining("npx borela restore shop --database app"),
      priority: 4,
      tags: ["rotating_light", "borela"],
      click: "https://borela.example.com/projects/p1",
    });
    expect(resolved.headers.authorization).toBeUndefined();
    expect(JSON.parse(resolved.body)).toMatchObject({ priority: 3, tags: ["white_check_mark", "borela"], title: expect.stringMatching(/^\[Borela\] RESOLVED: /) });
  });

  it("sends reported text as plain text (no markdown flag), byte for byte", () => {
    const p = ntfyPayload(hostile(), "t");
    expect(p).not.toHaveProperty("markdown");
    expect(p.message).toContain(HOSTILE_REASON);
    expect(p.title).toContain("<i>db</i>@here");
  });

  it("takes a topic URL only", () => {
    expect(() => ntfy.checkTarget("https://ntfy.sh/", false)).toThrow(/^target must end with the topic name/);
    expect(() => ntfy.checkTarget("https://ntfy.sh/alerts?auth=x", false)).toThrow(/^target is the topic URL alone/);
    expect(ntfy.checkTarget("https://ntfy.sh/borela-alerts", false)).toBe("https://ntfy.sh/borela-alerts");
  });
});
