// Slack incoming webhooks: {text, blocks}, within Slack's limits (3000 per
// text block, 150 per header). Reported text renders as text: no mentions,
// links or formatting, and never leaves the code span a value sits in.
import { escapeHtml } from "../../words/html.ts";
import { facts, subject, type AlertContext } from "../message.ts";
import { chatWebhook } from "./chat-webhook.ts";
import { clip, clipLines, codeText, fitRows, oneLine } from "./text.ts";

/** Slack's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping): `<!channel>`, `<url|text>` need `<`. */
export function slackEscape(s: string): string {
  return escapeHtml(s, "&<>");
}

/** A Slack inline code span holding `s` verbatim (escaped, no backtick to close it early). */
function slackCode(s: string): string {
  return `\`${slackEscape(codeText(s))}\``;
}

/**
 * One fact line of a Slack alert. Slack's mrkdwn has no escape for `*`, `_`, `~` or line breaks, so every value
 * (which may hold reported text: an agent's error, names) is a code span, where nothing is formatted and no
 * line can be added: an agent cannot forge a row such as `*Last passing restore drill:* …`. Borela's own labels
 * are bold; a summary's labels are project and database names, so they are code spans too.
 */
function slackFact(label: string, value: string, labelIsName: boolean): string {
  return `${labelIsName ? slackCode(label) : `*${slackEscape(label)}:*`} ${slackCode(value)}`;
}

export function slackPayload(c: AlertContext) {
  const fact = (k: string, v: string, i: number) => slackFact(k, v, c.event === "summary" && i > 0 && k !== "And");
  return {
    // The notification's fallback is mrkdwn too: the subject (names from the agent) is one code span, like the facts.
    text: slackCode(clip(oneLine(subject(c)), 2900)),
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(slackEscape(oneLine(subject(c))), 150) } },
      { type: "section", text: { type: "mrkdwn", text: fitRows(facts(c), fact, 3000, "_see the dashboard_") } },
      ...(c.event === "summary" ? [] : [{ type: "section", text: { type: "mrkdwn", text: clipLines(c.restoreCommands.map(slackCode), 3000) || "no restore command known" } }]),
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open the dashboard" }, url: c.dashboardUrl }] },
    ],
  };
}

export const slack = chatWebhook("slack", "A Slack incoming-webhook URL (https://hooks.slack.com/services/…).", slackPayload, 3);
