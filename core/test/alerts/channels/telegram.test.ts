// Telegram's Bot API is a cloud service that cannot run here: the receiver is a
// loopback stand-in for a cloud API, checking the request as
// https://core.telegram.org/bots/api#sendmessage documents it.
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { send } from "../../../src/alerts/channels.ts";
import { telegram, telegramText } from "../../../src/alerts/channels/telegram.ts";
import { hostile, LOOPBACK, opened } from "./contexts.ts";

const TOKEN = "123456789:AAEhBOweik6ad6PsVMRxjeQKqOsUNfmBDgg";
let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe("telegram", () => {
  it("POSTs sendMessage to /bot<token>/sendMessage with chat_id, HTML text and no link preview", async () => {
    receiver = await startWebhookReceiver();
    const base = receiver.url.replace(/\/hook$/, "");
    const target = telegram.checkTarget(`${base}/${TOKEN}/-1001234567890`, true);
    const detail = await send({ id: "c1", type: "telegram", target, secret: null }, opened(), LOOPBACK);
    expect(detail).toMatch(/^HTTP 200 from 127\.0\.0\.1:\d+$/);
    expect(detail).not.toContain(TOKEN);
    const [r] = receiver.received;
    expect(r.method).toBe("POST");
    expect(r.path).toBe(`/bot${TOKEN}/sendMessage`);
    expect(r.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(r.body);
    expect(body).toEqual({ chat_id: "-1001234567890", text: expect.any(String), parse_mode: "HTML", link_preview_options: { is_disabled: true } });
    expect(body.text).toMatch(/^<b>\[Borela\] ERROR: shop \/ app — /);
    expect(body.text).toContain('<a href="https://borela.example.com/projects/p1">Open the dashboard</a>');
    expect(body.text.length).toBeLessThanOrEqual(4096);
  });

  it("escapes <, > and & in reported text: the only tags are Borela's own", () => {
    const text = telegramText(hostile());
    const tags = [...text.matchAll(/<\/?([a-z]+)[^>]*>/g)].map((m) => m[0]);
    expect(new Set(tags.map((t) => t.replace(/ href="[^"]*"/, "")))).toEqual(new Set(["<b>", "</b>", "<code>", "</code>", "<a>", "</a>"]));
    expect(text).toContain("&lt;b&gt;bold&lt;/b&gt;");
    expect(text).toContain("&lt;i&gt;db&lt;/i&gt;");
    expect(text).toContain("&amp; more");
    expect(text).not.toContain("evil.example\">");
    expect(text.match(/<a /g)).toHaveLength(1);
  });

  it("breaks @ in reported text so no username is mentioned; restore commands in <code> stay as written", () => {
    const text = telegramText(hostile());
    expect(text.replace(/<code>[^<]*<\/code>/g, "")).not.toMatch(/@\w/);
    expect(text).toContain("@\u200beveryone");
    expect(text).toContain("`@channel'</code>");
  });

  it("keeps the default API host out of the stored target and names the wrong part of a bad one", () => {
    expect(telegram.checkTarget(`${TOKEN}/@borela_alerts`, false)).toBe(`${TOKEN}/@borela_alerts`);
    expect(telegram.checkTarget(`https://api.telegram.org/${TOKEN}/42`, false)).toBe(`${TOKEN}/42`);
    expect(() => telegram.checkTarget("-1001234567890", false)).toThrow(/^target must be <bot token>\/<chat id> for a telegram channel/);
    expect(() => telegram.checkTarget(`not-a-token/-100123`, false)).toThrow(/^target: the bot token \(part 1 of 2\) does not look like one/);
    expect(() => telegram.checkTarget(`${TOKEN}/chat me`, false)).toThrow(/^target: the chat id \(part 2 of 2\)/);
    expect(() => telegram.checkTarget(`http://127.0.0.1:9/${TOKEN}/42`, false)).toThrow(/BORELA_ALERT_ALLOW_PRIVATE_TARGETS/);
  });
});
