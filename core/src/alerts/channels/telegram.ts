// Telegram: the Bot API's sendMessage (https://core.telegram.org/bots/api#sendmessage)
// with parse_mode HTML, where only <, > and & are markup in text
// (https://core.telegram.org/bots/api#html-style): reported text is escaped,
// "@" in it broken (no mention), link previews are off.
//
// Target: "<bot token>/<chat id>", e.g. "123456789:AAE…/-1001234567890" or
// "123456789:AAE…/@mychannel"; a Bot API server URL may come first
// ("http://127.0.0.1:8081/123456789:AAE…/-100123"), https://api.telegram.org by default.
import { escapeHtml } from "../../words/html.ts";
import { facts, subject, type AlertContext } from "../message.ts";
import { postJson } from "./http.ts";
import { keyedApi } from "./keyed.ts";
import type { Provider } from "./provider.ts";
import { clip, clipLines, oneLine } from "./text.ts";

const API = "https://api.telegram.org";
const api = keyedApi("telegram", API, [
  { name: "bot token", pattern: /^\d{3,15}:[A-Za-z0-9_-]{20,100}$/, example: "123456789:AAE… from @BotFather" },
  { name: "chat id", pattern: /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/, example: "-1001234567890 or @channelname" },
]);

function html(s: string): string {
  return escapeHtml(s, "&<>");
}

/** Reported text outside code: escaped, and a zero-width space after "@", which Telegram would make a mention (a ping) of that username. */
function prose(s: string): string {
  return html(s).replace(/@/g, "@\u200b");
}

/** sendMessage's text (at most 4096 characters): each value cut before it is escaped, so no entity is cut open. */
export function telegramText(c: AlertContext): string {
  const rows = (c.event === "summary" ? facts(c).slice(1) : facts(c)).map(([k, v]) => `<b>${html(clip(k, 200))}:</b> ${prose(clip(v, 600))}`);
  const commands = c.event === "summary" ? [] : c.restoreCommands.map((cmd) => `<code>${html(clip(cmd, 600))}</code>`);
  const head = `<b>${prose(clip(oneLine(subject(c)), 300))}</b>`;
  const link = `<a href="${escapeHtml(c.dashboardUrl)}">Open the dashboard</a>`;
  const room = 4096 - head.length - link.length - 4;
  const body = clipLines([...rows, ...(commands.length ? ["To restore the latest backup:", ...commands] : [])], room, "see the dashboard");
  return [head, body, link].join("\n\n");
}

export function telegramPayload(c: AlertContext, chatId: string) {
  return { chat_id: chatId, text: telegramText(c), parse_mode: "HTML", link_preview_options: { is_disabled: true } };
}

export const telegram: Provider = {
  targetHelp: "<bot token>/<chat id>, e.g. 123456789:AAE…/-1001234567890 (token from @BotFather; a Bot API server URL may come first).",
  secret: null,
  resolves: "notice",
  checkTarget: api.checkTarget,
  // The bot token's number is the bot's public user id; the rest is the password.
  display: (target) => api.display(target, ([token, chatId]) => `bot ${token.split(":")[0]}:…/chat ${chatId}`),
  render: (c, target) => telegramPayload(c, api.parse(target, true).keys[1]),
  send(channel, c, s) {
    const {
      base,
      keys: [token, chatId],
    } = api.parse(channel.target, s.allowPrivateTargets ?? false);
    return postJson(s, `${base}/bot${token}/sendMessage`, telegramPayload(c, chatId));
  },
};
