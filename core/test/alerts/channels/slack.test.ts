// Slack's top-level text is the notification's fallback and is mrkdwn too: a
// database name from the agent must not bold, quote, fence or break a line in it.
import { describe, expect, it } from "vitest";
import { slackPayload } from "../../../src/alerts/channels/slack.ts";
import { opened } from "./contexts.ts";

describe("slack fallback text", () => {
  it("is one code span on one line, escaped like the section blocks", () => {
    const p = slackPayload(opened({ database: "*bold* _it_ ```fence```\n> quote <!channel> & more" }));
    expect(p.text).toMatch(/^`[^`\n\r]*`$/);
    expect(p.text).toContain("*bold* _it_ ˋˋˋfenceˋˋˋ &gt; quote &lt;!channel&gt; &amp; more");
    expect(p.blocks[0].text?.text).not.toMatch(/[\r\n]/);
  });
});
