// A message over a provider's limit is cut at a character boundary, never to
// nothing and never inside an entity or a code span: Pushover's 1,024
// characters (https://pushover.net/api#limits), Slack's 3,000 per section.
import { describe, expect, it } from "vitest";
import { pushoverMessage } from "../../../src/alerts/channels/pushover.ts";
import { slackPayload } from "../../../src/alerts/channels/slack.ts";
import { fitRows } from "../../../src/alerts/channels/text.ts";
import { escapeHtml } from "../../../src/words/html.ts";
import { opened } from "./contexts.ts";

/** True when every "&" starts a whole entity. */
const wholeEntities = (s: string) => !/&(?![a-z]+;|#\d+;)/i.test(s);

describe("cutting rows to a limit", () => {
  it("fitRows keeps whole rows, cuts the first that passes the limit before rendering, then says where the rest is", () => {
    const render = (k: string, v: string) => `${k}: ${escapeHtml(v)}`;
    const out = fitRows([["a", "x".repeat(10)], ["b", "&".repeat(100)], ["c", "never"]], render, 60, "more");
    expect(out.length).toBeLessThanOrEqual(60);
    expect(out.startsWith(`a: ${"x".repeat(10)}\nb: &amp;`)).toBe(true);
    expect(out.endsWith("…\nmore")).toBe(true);
    expect(wholeEntities(out)).toBe(true);
    expect(out).not.toContain("c: never");
  });

  it("pushover: a body over 1,024 characters once escaped keeps its start, whole entities and the dashboard pointer", () => {
    const reason = `access denied ${"<&>".repeat(100)}`;
    const message = pushoverMessage(opened({ reason }));
    expect(message.length).toBeLessThanOrEqual(1024);
    expect(message.startsWith("<b>What happened:</b> access denied &lt;&amp;&gt;")).toBe(true);
    expect(message).not.toBe("see the dashboard");
    expect(message.endsWith("see the dashboard")).toBe(true);
    expect(wholeEntities(message)).toBe(true);
  });

  it("slack: the facts section cut at 3,000 characters ends in no cut entity and no open code span", () => {
    const p = slackPayload(opened({ reason: "<&".repeat(2000) }));
    const section = (p.blocks[1] as { text: { text: string } }).text.text;
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(wholeEntities(section)).toBe(true);
    for (const line of section.split("\n")) expect((line.match(/`/g) ?? []).length % 2, line.slice(-40)).toBe(0);
  });
});
