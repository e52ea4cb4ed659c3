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
import { sendHttp } from "./http.ts";
import { basePrefix, stored } from "./display.ts";
import type { Provider } from "./provider.ts";
import { keyedTarget, keyedTargetString } from "./target.ts";
import { clip, clipLines, oneLine } from "./text.ts";

const API = "https://api.telegram.org";
const KEYS = [
  { name: "bot token", pattern: /^\d{3,15}:[A-Za-z0-9_-]{20,100}$/, example: "123456789:AAE… from @BotFather" },
  { name: "chat id", pattern: /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/, example: "-1001234567890 or @channelname" },
];

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

function parse(target: string, allowPrivate: boolean) {
  return keyedTarget(target, "telegram", API, KEYS, allowPrivate);
}

export const telegram: Provider = {
  targetHelp: "<bot token>/<chat id>, e.g. 123456789:AAE…/-1001234567890 (token from @BotFather; a Bot API server URL may come first).",
  secret: null,
  resolves: "notice",
  checkTarget: (target, allowPrivate) => keyedTargetString(parse(target, allowPrivate), API),
  display(target) {
    const t = stored(() => parse(target, true));
    // The bot token's number is the bot's public user id; the rest is the password.
    return t ? `${basePrefix(t.base, API)}bot ${t.keys[0].split(":")[0]}:…/chat ${t.keys[1]}` : "…";
  },
  render: (c, target) => telegramPayload(c, parse(target, true).keys[1]),
  send(channel, c, s) {
    const { base, keys } = parse(channel.target, s.allowPrivateTargets ?? false);
    const [token, chatId] = keys;
    return sendHttp({ url: `${base}/bot${token}/sendMessage`, body: JSON.stringify(telegramPayload(c, chatId)), timeoutMs: s.timeoutMs, allowPrivateTargets: s.allowPrivateTargets });
  },
};
