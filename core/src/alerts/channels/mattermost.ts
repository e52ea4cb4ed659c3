// Mattermost incoming webhooks (https://developers.mattermost.com/integrate/webhooks/incoming/):
// {text} in Mattermost's Markdown. Reported text is made literal: a backslash
// before each Markdown punctuation character (CommonMark escapes; ":" and "."
// too, so neither https://host nor www.host is linked), and a
// zero-width space after "@" so @channel, @all, @here and @user mention no one.
import { facts, subject, type AlertContext } from "../message.ts";
import { chatWebhook } from "./chat-webhook.ts";
import { clip, clipLines, codeText, oneLine } from "./text.ts";

export function mattermostEscape(s: string): string {
  return s.replace(/[\\`*_[\]()!|<>~&:.]/g, "\\$&").replace(/@/g, "@\u200b").replace(/[\r\n\u2028\u2029]+/g, " ");
}

/** A code span (nothing in it is Markdown or a mention); a backtick cannot close it early. */
function mattermostCode(s: string): string {
  return `\`${codeText(s)}\``;
}

/**
 * {text, username}: text at most 16,383 characters, a post's limit (counted in runes by Mattermost; String.length
 * here, never fewer): subject ≤ 800 escaped, rows ≤ 10,000, commands ≤ 4,000, each value cut before it is escaped.
 */
export function mattermostPayload(c: AlertContext) {
  const rows = (c.event === "summary" ? facts(c).slice(1) : facts(c)).map(([k, v]) => `**${mattermostEscape(clip(k, 200))}:** ${mattermostEscape(clip(v, 2000))}`);
  const commands = c.event === "summary" ? [] : c.restoreCommands.map(mattermostCode);
  const text = [
    `#### ${mattermostEscape(clip(oneLine(subject(c)), 400))}`,
    clipLines(rows, 10_000, "see the dashboard"),
    ...(commands.length ? ["To restore the latest backup:", clipLines(commands, 4000)] : []),
    `[Open the dashboard](${c.dashboardUrl})`,
  ].join("\n\n");
  return { text, username: "Borela" };
}

export const mattermost = chatWebhook("mattermost", "A Mattermost incoming-webhook URL (https://chat.example.com/hooks/…).", mattermostPayload, 1);
