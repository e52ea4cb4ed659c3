// Matrix against a receiver on loopback that checks the client-server API call
// as the spec documents it: PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}
// with the access token as Bearer and an m.room.message body.
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { send } from "../../../src/alerts/channels.ts";
import { matrix, matrixHtml, matrixPayload } from "../../../src/alerts/channels/matrix.ts";
import { hostile, LOOPBACK, opened } from "./contexts.ts";

let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe("matrix", () => {
  it("PUTs an m.text message with an HTML body to the room, a fresh transaction id each time", async () => {
    receiver = await startWebhookReceiver();
    const target = matrix.checkTarget(`${receiver.url.replace(/\/hook$/, "")}/!AbCdEf:example.org`, true);
    const channel = { id: "c1", type: "matrix" as const, target, secret: "syt_Ym9yZWxh_token_0123" };
    await send(channel, opened(), LOOPBACK);
    await send(channel, opened(), LOOPBACK);
    const [r, again] = receiver.received;
    expect(r.method).toBe("PUT");
    expect(r.path).toMatch(/^\/_matrix\/client\/v3\/rooms\/!AbCdEf%3Aexample\.org\/send\/m\.room\.message\/borela-[0-9a-f-]{36}$/);
    expect(again.path).not.toBe(r.path);
    expect(r.headers.authorization).toBe("Bearer syt_Ym9yZWxh_token_0123");
    expect(r.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(r.body)).toEqual({
      msgtype: "m.text",
      body: expect.stringMatching(/^\[Borela\] ERROR: shop \/ app — [^]*What happened: Litestream: access denied/),
      format: "org.matrix.custom.html",
      formatted_body: expect.stringContaining("<li><b>What happened:</b> Litestream: access denied to s3://bucket/shop</li>"),
      "m.mentions": {},
    });
  });

  it("escapes reported text in the HTML body and mentions no one", () => {
    const html = matrixHtml(hostile());
    expect([...new Set(html.match(/<\/?[a-z0-9]+/g))].sort()).toEqual(["</a", "</b", "</code", "</h4", "</li", "</p", "</pre", "</ul", "<a", "<b", "<code", "<h4", "<li", "<p", "<pre", "<ul"]);
    expect(html).toContain("&lt;i&gt;db&lt;/i&gt;@here");
    expect(html.match(/<a /g)).toHaveLength(1);
    expect(matrixPayload(hostile())["m.mentions"]).toEqual({});
  });

  it("needs a room id at the end of the target", () => {
    expect(() => matrix.checkTarget("https://matrix.example.org/#ops:example.org", false)).toThrow(/^target must end with the room id/);
    expect(matrix.checkTarget("https://matrix.example.org/!AbCdEf:example.org", false)).toBe("https://matrix.example.org/!AbCdEf:example.org");
  });
});
