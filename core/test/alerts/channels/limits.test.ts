// Each provider's size limit, in the unit the provider counts (UTF-8 bytes for
// Matrix, ntfy and Teams; characters for the others), met by an alert whose
// reported text is far over it and multibyte (2-, 3- and 4-byte UTF-8, and
// characters HTML escapes grow); and every title or subject on one line.
import { describe, expect, it } from "vitest";
import { discordPayload } from "../../../src/alerts/channels/discord.ts";
import { gotifyPayload } from "../../../src/alerts/channels/gotify.ts";
import { matrixPayload } from "../../../src/alerts/channels/matrix.ts";
import { mattermostPayload } from "../../../src/alerts/channels/mattermost.ts";
import { ntfyPayload } from "../../../src/alerts/channels/ntfy.ts";
import { opsgenieRequests } from "../../../src/alerts/channels/opsgenie.ts";
import { pagerdutyEvents } from "../../../src/alerts/channels/pagerduty.ts";
import { pushoverFields } from "../../../src/alerts/channels/pushover.ts";
import { slackPayload } from "../../../src/alerts/channels/slack.ts";
import { teamsPayload } from "../../../src/alerts/channels/teams.ts";
import { telegramText } from "../../../src/alerts/channels/telegram.ts";
import { clip, clipBytes } from "../../../src/alerts/channels/text.ts";
import { opened } from "./contexts.ts";

/** 50 agent errors of 2000 characters each, as the tester's heartbeat carried: é (2 bytes), € (3), 😀 (4, two UTF-16 units), " and < (escaped). */
const ERRORS = Array.from({ length: 50 }, (_, i) => `error ${i}: ${'é€😀"<'.repeat(400)}`.slice(0, 2000)).join("\n");
const huge = () => opened({ reason: ERRORS, database: "db\nwith\r\nbreaks", restoreCommands: [`litestream restore ${"€".repeat(5000)}`] });
const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const json = (v: unknown) => bytes(JSON.stringify(v));

describe("clipping", () => {
  it("clip by bytes keeps whole code points and stays at the limit", () => {
    const s = "a😀".repeat(100);
    for (let max = 4; max < 60; max++) {
      const out = clipBytes(s, max);
      expect(bytes(out)).toBeLessThanOrEqual(max);
      expect(bytes(out)).toBeGreaterThan(max - 5);
      expect(out.endsWith("…")).toBe(true);
      expect(out).not.toMatch(/\p{Surrogate}/u);
    }
    expect(clip("😀😀😀", 4)).toBe("😀…");
    expect(clipBytes("short", 5)).toBe("short");
  });

  it("matrix: the event stays under the homeserver's 65,536 bytes", () => {
    const p = matrixPayload(huge());
    expect(json(p)).toBeLessThanOrEqual(60_000);
    expect(p.body).toContain("error 0: é€😀");
    expect(p.formatted_body).toContain("error 0: é€😀&quot;&lt;");
    expect(p.formatted_body).toMatch(/<\/ul>\n/);
    expect(p.formatted_body.endsWith('Open the dashboard</a></p>')).toBe(true);
    expect(p.body.split("\n")[0]).not.toMatch(/\r/);
  });

  it("ntfy: the message is at most 4,096 bytes (UTF-8), not characters", () => {
    const p = ntfyPayload(huge(), "t");
    expect(bytes(p.message)).toBeLessThanOrEqual(4096);
    expect(bytes(p.message)).toBeGreaterThan(4080);
    expect(p.title).not.toMatch(/[\r\n]/);
  });

  it("teams: the payload stays under Teams' ~28 KB message limit", () => {
    const p = teamsPayload(huge());
    expect(json(p)).toBeLessThanOrEqual(26_000);
    expect(JSON.stringify(p)).toContain("error 0: é€😀");
    expect(JSON.stringify(p)).toContain("Open the dashboard");
    expect((p.attachments[0].content.body[0].inlines[0] as { text: string }).text).not.toMatch(/[\r\n]/);
  });

  it("mattermost: the post is at most 16,383 characters", () => {
    const text = mattermostPayload(huge()).text;
    expect(text.length).toBeLessThanOrEqual(16_383);
    expect(text.split("\n")[0]).toMatch(/^#### .*db with breaks/);
  });

  it("telegram: at most 4,096 characters (UTF-16 units, never fewer than Telegram counts)", () => {
    const text = telegramText(huge());
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.split("\n")[0]).toMatch(/^<b>.*db with breaks.*<\/b>$/);
  });

  it("pushover: message at most 1,024 characters, title at most 250 on one line", () => {
    const f = pushoverFields(huge());
    expect(f.message.length).toBeLessThanOrEqual(1024);
    expect(f.title.length).toBeLessThanOrEqual(250);
    expect(f.title).not.toMatch(/[\r\n]/);
  });

  it("gotify: message at most 8,000 characters, title on one line", () => {
    const p = gotifyPayload(huge());
    expect(p.message.length).toBeLessThanOrEqual(8000);
    expect(p.title).not.toMatch(/[\r\n]/);
  });

  it("discord: the embed's title, description and fields add up to at most 6,000 characters", () => {
    const summary = opened({ event: "summary", items: Array.from({ length: 30 }, () => opened({ reason: ERRORS, database: "d*".repeat(150) })) });
    for (const c of [huge(), summary]) {
      const e = discordPayload(c).embeds[0];
      expect(e.title.length + e.description.length + e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0)).toBeLessThanOrEqual(6000);
      expect(e.fields.length).toBeLessThanOrEqual(25);
    }
    expect(discordPayload(summary).embeds[0].fields.at(-1)).toEqual({ name: "And", value: "more in the dashboard" });
  });

  it("slack, discord, pagerduty, opsgenie: titles and subjects on one line, within their limits", () => {
    const c = huge();
    const s = slackPayload(c);
    expect(s.text).not.toMatch(/[\r\n]/);
    expect(s.blocks[0].text?.text).not.toMatch(/[\r\n]/);
    const d = discordPayload(c);
    expect(d.content).not.toMatch(/[\r\n]/);
    expect(d.embeds[0].title).not.toMatch(/[\r\n]/);
    expect(d.embeds[0].title.length).toBeLessThanOrEqual(256);
    const [pd] = pagerdutyEvents(c, "R0123456789abcdef0123456789abcde");
    expect(pd.payload?.summary).not.toMatch(/[\r\n]/);
    const [og] = opsgenieRequests(c);
    expect(og.body.message).not.toMatch(/[\r\n]/);
    expect(String(og.body.message).length).toBeLessThanOrEqual(130);
  });
});
