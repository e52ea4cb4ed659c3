// Microsoft Teams through a Workflows webhook ("Post to a channel when a
// webhook request is received"): a message whose one attachment is an
// Adaptive Card. Reported text goes only in TextRuns, which Adaptive Cards
// render without Markdown (https://adaptivecards.io/explorer/TextRun.html);
// "{{" is broken so no DATE()/TIME() function is evaluated in it.
import { facts, headline, subject, type AlertContext } from "../message.ts";
import { chatWebhook } from "./chat-webhook.ts";
import { clip, jsonBytes, oneLine } from "./text.ts";

/** Adaptive Card text as plain text: no `{{…}}` function can form (a zero-width space after each "{" followed by another, so "{{{" is broken twice). */
export function teamsText(s: string): string {
  return s.replace(/\{(?=\{)/g, "{\u200b");
}

function run(text: string, style: Record<string, unknown> = {}) {
  return { type: "TextRun", text: teamsText(text), ...style };
}

function block(inlines: unknown[], extra: Record<string, unknown> = {}) {
  return { type: "RichTextBlock", inlines, ...extra };
}

const ALERTING = new Set(["opened", "reminder"]);

/**
 * Teams refuses a message over about 28 KB (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/format-your-bot-messages):
 * the card's blocks take at most this many bytes of JSON, the rest of the payload a few hundred.
 */
const BLOCK_BYTES = 24_000;

/** s cut (before "{{" is broken) to at most maxBytes in the card's JSON. */
function cut(s: string, maxBytes: number): string {
  return clip(s, maxBytes, (x) => jsonBytes(teamsText(x)));
}

const bytesOf = (b: unknown) => Buffer.byteLength(JSON.stringify(b));

export function teamsCard(c: AlertContext) {
  const shown = c.event === "summary" ? facts(c).slice(1) : facts(c);
  const commands = c.event === "summary" ? [] : c.restoreCommands;
  const body = [
    block([run(cut(oneLine(subject(c)), 1200), { weight: "Bolder", size: "Medium", color: ALERTING.has(c.event) ? "Attention" : c.event === "test" ? "Accent" : "Good" })]),
    block([run(cut(oneLine(headline(c)), 4000))], { spacing: "Small" }),
  ];
  const rest = [
    ...shown.map(([k, v]) => block([run(cut(`${k}: `, 600), { weight: "Bolder" }), run(cut(v, 6000))], { spacing: "Small" })),
    ...(commands.length ? [block([run("To restore the latest backup:", { weight: "Bolder" })])] : []),
    ...commands.map((cmd) => block([run(cut(cmd, 3000), { fontType: "Monospace" })], { spacing: "None" })),
  ];
  let used = bytesOf(body);
  for (const b of rest) {
    used += bytesOf(b) + 1;
    if (used > BLOCK_BYTES) {
      body.push(block([run("More in the dashboard.")], { spacing: "Small" }));
      break;
    }
    body.push(b);
  }
  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body,
    actions: [{ type: "Action.OpenUrl", title: "Open the dashboard", url: c.dashboardUrl }],
  };
}

/** The body a Workflows webhook takes (Teams' "message" with an Adaptive Card attachment). */
export function teamsPayload(c: AlertContext) {
  return { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: teamsCard(c) }] };
}

export const teams = chatWebhook("teams", "The HTTP POST URL of a Teams Workflows webhook (\"Post to a channel when a webhook request is received\").", teamsPayload);
