// Pushover: POST /1/messages.json (https://pushover.net/api), form-encoded,
// with html=1: only a few tags are markup there, and reported text is
// HTML-escaped so it shows as written.
//
// Target: "<application token>/<user or group key>", both 30 characters; an API
// URL may come first ("http://127.0.0.1:8080/azGD…/uQiR…"), https://api.pushover.net by default.
import { escapeHtml } from "../../words/html.ts";
import { facts, subject, type AlertContext } from "../message.ts";
import { sendHttp } from "./http.ts";
import { keyTail } from "./display.ts";
import { keyedApi } from "./keyed.ts";
import type { Provider } from "./provider.ts";
import { clip, fitRows, oneLine } from "./text.ts";

const API = "https://api.pushover.net";
const KEY = /^[A-Za-z0-9]{30}$/;
const api = keyedApi("pushover", API, [
  { name: "application token", pattern: KEY, example: "azGDORePK8gMaC0QOYAMyEEuzJnyUi (30 characters)" },
  { name: "user key", pattern: KEY, example: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG (30 characters)" },
]);

/** Pushover priorities: -2 … 2; 1 bypasses the user's quiet hours. */
const PRIORITY: Record<string, number> = { opened: 1, reminder: 1, test: -1 };

/** The message (at most 1024 characters): values cut before they are escaped; the row that passes the limit cut short, then "see the dashboard". */
export function pushoverMessage(c: AlertContext): string {
  const rows = c.event === "summary" ? facts(c).slice(1) : facts(c);
  return fitRows(rows, (k, v) => `<b>${escapeHtml(clip(k, 100))}:</b> ${escapeHtml(clip(v, 300))}`, 1024, "see the dashboard");
}

/** The form fields, without the two keys (added at send time from the target). */
export function pushoverFields(c: AlertContext): Record<string, string> {
  return {
    title: clip(oneLine(subject(c)), 250),
    message: pushoverMessage(c),
    html: "1",
    priority: String(PRIORITY[c.event] ?? 0),
    url: c.dashboardUrl,
    url_title: "Open the dashboard",
    timestamp: String(Math.floor((c.resolvedAt ?? c.openedAt).getTime() / 1000)),
  };
}

export const pushover: Provider = {
  targetHelp: "<application token>/<user key>, e.g. azGD…/uQiR… (create an application at pushover.net/apps).",
  secret: null,
  resolves: "notice",
  checkTarget: api.checkTarget,
  display: (target) => api.display(target, (keys) => `app ${keyTail(keys[0])}/user ${keyTail(keys[1])}`),
  render: (c) => pushoverFields(c),
  send(channel, c, s) {
    const { base, keys } = api.parse(channel.target, s.allowPrivateTargets ?? false);
    const body = new URLSearchParams({ token: keys[0], user: keys[1], ...pushoverFields(c) }).toString();
    return sendHttp({ url: `${base}/1/messages.json`, headers: { "content-type": "application/x-www-form-urlencoded" }, body, timeoutMs: s.timeoutMs, allowPrivateTargets: s.allowPrivateTargets, secrets: s.secrets });
  },
};
