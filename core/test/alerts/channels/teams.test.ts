// Microsoft Teams (a Workflows webhook) is a cloud service that cannot run here:
// the receiver is a loopback stand-in for a cloud API, checking the POST as
// Microsoft documents it: a "message" whose attachment is an Adaptive Card
// (contentType application/vnd.microsoft.card.adaptive).
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { send } from "../../../src/alerts/channels.ts";
import { teams, teamsCard, teamsText } from "../../../src/alerts/channels/teams.ts";
import { hostile, LOOPBACK, opened } from "./contexts.ts";

let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

/** Every element of a card, depth first. */
function elements(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!node || typeof node !== "object") return [];
  const o = node as Record<string, unknown>;
  return [...(typeof o.type === "string" ? [o] : []), ...Object.values(o).flatMap(elements)];
}

describe("teams", () => {
  it("POSTs a message with one Adaptive Card attachment to the workflow URL", async () => {
    receiver = await startWebhookReceiver([202]);
    const url = `${receiver.url.replace(/\/hook$/, "")}/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=s3cr3t`;
    const target = teams.checkTarget(url, true);
    const detail = await send({ id: "c1", type: "teams", target, secret: null }, opened(), LOOPBACK);
    expect(detail).toMatch(/^HTTP 202 from 127\.0\.0\.1:\d+$/);
    const [r] = receiver.received;
    expect(r.method).toBe("POST");
    expect(r.path).toBe("/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=s3cr3t");
    expect(r.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(r.body);
    expect(body).toEqual({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: expect.objectContaining({ type: "AdaptiveCard", version: "1.4" }) }] });
    const card = body.attachments[0].content;
    expect(card.actions).toEqual([{ type: "Action.OpenUrl", title: "Open the dashboard", url: "https://borela.example.com/projects/p1" }]);
    expect(JSON.stringify(card)).toContain("npx borela restore shop --database app -o /tmp/a.sqlite3");
  });

  it("puts reported text only in TextRuns, which render no Markdown, and breaks {{…}} functions", () => {
    const card = teamsCard(hostile());
    const all = elements(card.body);
    // No TextBlock or FactSet (both render Markdown): only RichTextBlocks of TextRuns.
    expect(new Set(all.map((e) => e.type))).toEqual(new Set(["RichTextBlock", "TextRun"]));
    const text = all.filter((e) => e.type === "TextRun").map((e) => e.text as string).join("\n");
    expect(text).toContain("**bold** _it_");
    expect(text).not.toContain("{{DATE(");
    expect(text).toContain("{\u200b{DATE(");
  });

  it("leaves no two braces together after three or four: {{{TIME(…)}}} stays text", () => {
    expect(teamsText("{{{TIME(2026-01-01T00:00:00Z)}}} {{{{x}}")).toBe("{\u200b{\u200b{TIME(2026-01-01T00:00:00Z)}}} {\u200b{\u200b{\u200b{x}}");
    const all = JSON.stringify(teamsCard(hostile({ reason: "{{{DATE(2026-01-01T00:00:00Z)}}}", database: "{{{{db" })));
    expect(all).not.toContain("{{");
  });
});
