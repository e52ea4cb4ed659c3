// Mattermost against a receiver on loopback that checks the incoming-webhook
// POST as https://developers.mattermost.com/integrate/webhooks/incoming/ documents it.
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { send } from "../../../src/alerts/channels.ts";
import { mattermost, mattermostEscape, mattermostPayload } from "../../../src/alerts/channels/mattermost.ts";
import { hostile, LOOPBACK, opened } from "./contexts.ts";

let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe("mattermost", () => {
  it("POSTs {text, username} as JSON to the hook URL", async () => {
    receiver = await startWebhookReceiver();
    const target = mattermost.checkTarget(receiver.url.replace(/\/hook$/, "/hooks/xjb7k3tp4fg"), true);
    await send({ id: "c1", type: "mattermost", target, secret: null }, opened(), LOOPBACK);
    const [r] = receiver.received;
    expect(r.method).toBe("POST");
    expect(r.path).toBe("/hooks/xjb7k3tp4fg");
    expect(r.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(r.body);
    expect(Object.keys(body).sort()).toEqual(["text", "username"]);
    expect(body.text).toMatch(/^#### \\\[Borela\\\] ERROR\\: shop \/ app — /);
    expect(body.text).toContain("`npx borela restore shop --database app -o /tmp/a.sqlite3`");
    expect(body.text).toContain("[Open the dashboard](https://borela.example.com/projects/p1)");
  });

  it("makes reported text literal: escaped Markdown, no mention, no link, one line per fact", () => {
    const { text } = mattermostPayload(hostile());
    const reason = text.split("\n").find((l) => l.startsWith("**What happened:**"))!;
    expect(reason).toContain("\\*\\*bold\\*\\*");
    expect(reason).toContain("\\[here\\]\\(https\\://evil\\.example\\)");
    expect(reason).not.toMatch(/@(everyone|here|channel|all)\b/);
    expect(reason).toContain("@\u200beveryone");
    expect(text.split("\n").filter((l) => l.startsWith("**Last passing restore drill:**"))).toHaveLength(1);
    // The restore command stays in its code span: a backtick in it cannot close it.
    expect(text).toContain("`litestream restore -o /tmp/a.sqlite3 's3://b/x\u02cb<b>y</b>\u02cb@channel'`");
    expect(mattermostEscape("a_b")).toBe("a\\_b");
    expect(mattermostEscape("see www.evil.example")).toBe("see www\\.evil\\.example");
  });
});
