// What a hostile agent can put in an alert (database name, reason, replica URL) renders as text in
// Slack and Discord: no mention, no link, no way out of the restore command's code span.
import { describe, expect, it } from "vitest";
import { discordEscape, discordPayload } from "../../src/alerts/channels/discord.ts";
import { slackEscape, slackPayload } from "../../src/alerts/channels/slack.ts";
import type { AlertContext } from "../../src/alerts/message.ts";
import { summaryOf } from "../../src/alerts/missed.ts";

const hostile: AlertContext = {
  event: "opened",
  project: { id: "p1", name: "shop" },
  database: "app",
  kind: "error",
  reason: "boom <!channel> <https://evil.example|click> @everyone [here](https://evil.example) **bold** & more",
  startedAt: new Date("2026-11-02T10:00:00Z"),
  openedAt: new Date("2026-11-02T10:00:00Z"),
  resolvedAt: null,
  lastBackupAt: null,
  lastPassingDrillAt: null,
  restoreCommands: ["litestream restore -o /tmp/a.sqlite3 's3://b/x`<!channel>`y'", "npx borela restore shop --database app -o /tmp/a.sqlite3"],
  dashboardUrl: "https://borela.example.com/projects/p1",
  now: new Date("2026-11-02T10:05:00Z"),
};

/** Slack's inline code spans in a mrkdwn text: the text between pairs of backticks. */
function codeSpans(text: string): string[] {
  return text.split("\n").flatMap((line) => {
    const parts = line.split("`");
    expect(parts.length % 2, `unbalanced backticks in ${line}`).toBe(1);
    return parts.filter((_, i) => i % 2 === 1);
  });
}

describe("Slack", () => {
  it("escapes <, > and & everywhere reported text goes", () => {
    const p = slackPayload(hostile);
    const all = JSON.stringify([p.text, p.blocks[1], p.blocks[2]]);
    expect(all).not.toContain("<!channel>");
    expect(all).not.toContain("<https://evil");
    expect(p.blocks[1].text!.text).toContain("&lt;!channel&gt;");
    expect(p.blocks[1].text!.text).toContain("&amp; more");
    expect(slackEscape("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
  });

  it("a backtick in a command never closes its code span", () => {
    const spans = codeSpans(slackPayload(hostile).blocks[2].text!.text);
    expect(spans).toHaveLength(2);
    expect(spans[0]).toContain("ˋ&lt;!channel&gt;ˋ");
  });

  it("reported text with line breaks, *, _, ~ and backticks cannot forge a row or formatting in \"What happened\"", () => {
    const forged = {
      ...hostile,
      reason: "litestream: ok\n*Last passing restore drill:* 2 minutes ago\n_all_ ~fine~ ```block```",
    };
    const text = slackPayload(forged).blocks[1].text!.text;
    const lines = text.split("\n");
    // As many lines as Borela's own facts, each starting with Borela's own bold label.
    expect(lines.map((l) => l.slice(0, l.indexOf(":*") + 2))).toEqual([
      "*What happened:*",
      "*Since:*",
      "*Last backup (newest upload to the replica):*",
      "*Last passing restore drill:*",
    ]);
    // Every value is one code span: Slack formats nothing inside it.
    for (const line of lines) expect(line).toMatch(/^\*[^*`]+:\* `[^`]*`$/);
    expect(lines[0]).toBe("*What happened:* `litestream: ok *Last passing restore drill:* 2 minutes ago _all_ ~fine~ ˋˋˋblockˋˋˋ`");
  });
});

describe("Discord", () => {
  it("pings nobody and renders markdown as text", () => {
    const p = discordPayload(hostile);
    expect(p.allowed_mentions).toEqual({ parse: [] });
    const d = p.embeds[0].description;
    expect(d).toContain("\\@everyone");
    expect(d).toContain("[here\\](https://evil.example)");
    expect(d).toContain("\\*\\*bold\\*\\*");
    expect(d).toContain("\\<!channel>");
    expect(discordEscape("# title\n- item\n> quote")).toBe("\\# title\n\\- item\n\\> quote");
    const restore = p.embeds[0].fields.find((f) => f.name === "Restore")!.value;
    expect(codeSpans(restore)).toHaveLength(2);
  });
});

describe("a summary of missed incidents", () => {
  it("escapes the project and database names it uses as labels, in Slack and Discord", () => {
    const items = [0, 1].map((i) => ({ ...hostile, event: "missed" as const, database: `app<!channel>@everyone*${i}*`, resolvedAt: new Date("2026-11-02T10:01:00Z") }));
    const summary = summaryOf(items, "https://borela.example.com", new Date("2026-11-02T10:05:00Z"));
    const slack = slackPayload(summary);
    expect(JSON.stringify(slack)).not.toContain("<!channel>");
    expect(slack.blocks[1].text!.text).toContain("`shop / app&lt;!channel&gt;@everyone*0*` `");
    const discord = discordPayload(summary);
    const names = discord.embeds[0].fields.map((f) => f.name);
    expect(names).toEqual(["shop / app\\<!channel>\\@everyone\\*0\\*", "shop / app\\<!channel>\\@everyone\\*1\\*"]);
    expect(discord.allowed_mentions).toEqual({ parse: [] });
  });
});
