// Discord webhooks: {content, embeds}, within Discord's limits (2000 content,
// 256 title, 4096 description, 1024 per field). Reported text renders as text
// and pings no one.
import { facts, subject, type AlertContext } from "../message.ts";
import { chatWebhook } from "./chat-webhook.ts";
import { clip, clipLines, codeText, oneLine } from "./text.ts";

/**
 * Discord markdown made literal: `\` before every character its parser treats as markup (emphasis, code,
 * spoilers, mentions, timestamps), before the `](` of a masked link, and before `#`, `-`, `>` that open a
 * line (headings, lists, quotes).
 */
export function discordEscape(s: string): string {
  return s
    .replace(/[\\*_~`|<@]/g, "\\$&")
    .replace(/\]\(/g, "\\](")
    .replace(/^(\s*)([#>-])/gm, "$1\\$2");
}

/** A Discord inline code span holding `s` verbatim. */
function discordCode(s: string): string {
  return `\`${codeText(s)}\``;
}

const DISCORD_COLOR = { resolved: 0x2e7d32, test: 0x1565c0, alert: 0xc62828 };

/** Discord refuses a message whose embed titles, descriptions and fields add up to more than 6000 characters. */
const EMBED_CHARS = 6000;
const MORE = { name: "And", value: "more in the dashboard" };

export function discordPayload(c: AlertContext) {
  const [, ...rest] = facts(c);
  const title = clip(discordEscape(oneLine(subject(c))), 256);
  const description = clip(discordEscape(facts(c)[0][1]), 3000);
  const candidates = [
    ...rest.map(([name, value]) => ({ name: clip(discordEscape(name), 256), value: clip(discordEscape(value), 1024) })),
    ...(c.event === "summary" ? [] : [{ name: "Restore", value: clipLines(c.restoreCommands.map(discordCode), 1024) || "no restore command known" }]),
  ];
  const fields: { name: string; value: string }[] = [];
  let used = title.length + description.length + MORE.name.length + MORE.value.length;
  for (const f of candidates) {
    used += f.name.length + f.value.length;
    if (used > EMBED_CHARS) {
      fields.push(MORE);
      break;
    }
    fields.push(f);
  }
  return {
    content: clip(discordEscape(oneLine(subject(c))), 2000),
    // Nothing an alert says may ping anyone (@everyone, @here, users, roles).
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title,
        description,
        url: c.dashboardUrl,
        color: c.event === "resolved" || c.event === "missed" || c.event === "summary" ? DISCORD_COLOR.resolved : c.event === "test" ? DISCORD_COLOR.test : DISCORD_COLOR.alert,
        fields,
      },
    ],
  };
}

export const discord = chatWebhook("discord", "A Discord channel webhook URL (https://discord.com/api/webhooks/…).", discordPayload, 2);
