// What an agent reports reaches Slack and Discord as text: a backtick in a replica URL does not leave
// the restore command's code span, <!channel> is escaped for Slack, and Discord is told to ping nobody.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../core/test/support/webhook-receiver.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";

let core: TestCore;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  core = await startTestCore({ BORELA_ALERT_CONFIRM_SECONDS: "0,stale=0,silent=0", BORELA_PUBLIC_URL: "https://borela.example.com" });
});
afterAll(async () => {
  await core?.close();
  await receiver?.close();
});

/** Code spans of each line of a Slack/Discord text; fails on an odd number of backticks (a span left open). */
function codeSpans(text: string): string[] {
  return text.split("\n").flatMap((line) => {
    const parts = line.split("`");
    expect(parts.length % 2, `a code span breaks open in: ${line}`).toBe(1);
    return parts.filter((_, i) => i % 2 === 1);
  });
}

describe("chat alerts from a hostile heartbeat", () => {
  it("Slack and Discord payloads", async () => {
    const p = await core.createProject("sec-chat");
    for (const type of ["slack", "discord"]) {
      const res = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type, target: `${receiver.url}/${type}` } });
      expect(res.status).toBe(201);
    }
    const hb = heartbeat({ errors: ["<!channel> @everyone [click](https://evil.example) `x`"] }) as any;
    // A backtick survives URL serialisation in a query value; <, > do not (they become %3C, %3E).
    hb.databases[0].replicas[0].url = "s3://bucket/app?endpoint=http://h.example/`*@everyone*`";
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: hb })).status).toBe(201);
    await waitFor(
      async () => {
        await core.app.sweeper.idle();
        await core.alerts.tick();
        return receiver.received.length >= 2;
      },
      { timeoutMs: 20_000, what: "the Slack and Discord alerts" },
    );
    const slack = JSON.parse(receiver.received.find((r) => r.path.endsWith("/slack"))!.body);
    const slackText = JSON.stringify(slack);
    expect(slackText).not.toContain("<!channel>");
    expect(slackText).not.toContain("<https://");
    const restore = slack.blocks.find((b: any) => b.text?.text?.includes("litestream restore")).text.text;
    expect(codeSpans(restore)).toHaveLength(2);

    const discord = JSON.parse(receiver.received.find((r) => r.path.endsWith("/discord"))!.body);
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    const embed = discord.embeds[0];
    expect(embed.description).not.toMatch(/(^|[^\\])@everyone/);
    expect(embed.description).not.toMatch(/[^\\]\]\(https/);
    const field = embed.fields.find((f: any) => f.name === "Restore").value;
    expect(codeSpans(field)).toHaveLength(2);
  });
});
