// Gotify: POST /message (https://gotify.net/docs/pushmsg) with the
// application token (the channel's secret) in X-Gotify-Key; the message is
// declared text/plain (client::display), so no client renders reported text
// as Markdown.
import { textBody } from "../email-body.ts";
import { subject, type AlertContext } from "../message.ts";
import { postJson } from "./http.ts";
import { maskedUrl } from "./display.ts";
import type { Provider } from "./provider.ts";
import { urlTarget } from "./target.ts";
import { clip, oneLine } from "./text.ts";

/** Gotify priorities: 0–10; Android notifies with sound from 4 and pops up from 8. */
const PRIORITY: Record<string, number> = { opened: 8, reminder: 8, test: 2 };

export function gotifyPayload(c: AlertContext) {
  return {
    title: clip(oneLine(subject(c)), 250),
    message: clip(textBody(c), 8000),
    priority: PRIORITY[c.event] ?? 5,
    extras: { "client::display": { contentType: "text/plain" }, "client::notification": { click: { url: c.dashboardUrl } } },
  };
}

/** The server's /message URL, from its base URL ("https://gotify.example.com" or "…/gotify/"). */
export function gotifyMessageUrl(target: string): string {
  return new URL("message", target.endsWith("/") ? target : `${target}/`).toString();
}

export const gotify: Provider = {
  targetHelp: "The Gotify server URL, e.g. https://gotify.example.com; the secret is an application token.",
  secret: { required: true, help: "the application token Gotify gave (Apps → Create application)", inHeader: true },
  resolves: "notice",
  display: (target) => maskedUrl(target, 0),
  checkTarget: (target, allowPrivate) => urlTarget(target, "gotify", allowPrivate).toString().replace(/\/message\/?$/, "/"),
  render: (c) => gotifyPayload(c),
  send: (channel, c, s) => postJson(s, gotifyMessageUrl(channel.target), gotifyPayload(c), { "x-gotify-key": channel.secret ?? "" }),
};
