// ntfy: a JSON publish (https://docs.ntfy.sh/publish/#publish-as-json) to the
// server the topic URL names, with title, priority, tags and a click link to
// the dashboard. The message is plain text (markdown is not asked for), so
// reported text shows as written. The channel's secret, when set, is an access
// token (Authorization: Bearer).
import { textBody } from "../email-body.ts";
import { subject, type AlertContext } from "../message.ts";
import { postJson } from "./http.ts";
import { maskedUrl } from "./display.ts";
import { ChannelFieldError, type Provider } from "./provider.ts";
import { urlTarget } from "./target.ts";
import { clip, clipBytes, oneLine } from "./text.ts";

/** ntfy priorities: 1 min … 5 max (https://docs.ntfy.sh/publish/#message-priority). */
const PRIORITY: Record<string, number> = { opened: 4, reminder: 4, test: 2 };
/** Tags that are emoji short codes show as emojis (https://docs.ntfy.sh/emojis/). */
const TAGS: Record<string, string[]> = { opened: ["rotating_light"], reminder: ["rotating_light"], test: ["test_tube"] };

/** The server's root URL and the topic, from "https://ntfy.sh/mytopic". */
export function ntfyTopic(target: string): { server: string; topic: string } {
  const url = new URL(target);
  const segments = url.pathname.split("/").filter(Boolean);
  const topic = segments.pop() ?? "";
  return { server: `${url.origin}/${segments.map((s) => `${s}/`).join("")}`, topic: decodeURIComponent(topic) };
}

export function ntfyPayload(c: AlertContext, topic: string) {
  return {
    topic,
    title: clip(oneLine(subject(c)), 250),
    // ntfy turns a message over 4096 bytes (UTF-8; message-size-limit, https://docs.ntfy.sh/config/) into an attachment.
    message: clipBytes(textBody(c), 4096),
    priority: PRIORITY[c.event] ?? 3,
    tags: [...(TAGS[c.event] ?? ["white_check_mark"]), "borela"],
    click: c.dashboardUrl,
  };
}

export const ntfy: Provider = {
  targetHelp: "The topic URL, e.g. https://ntfy.sh/my-borela-alerts; the secret, if set, is an access token (tk_…).",
  secret: { required: false, help: "access token for a protected topic (tk_…)", inHeader: true },
  resolves: "notice",
  // The path before the topic may be a secret too (a proxy's token), and a topic is one on a public server.
  display: (target) => maskedUrl(target),
  checkTarget(target, allowPrivate) {
    const url = urlTarget(target, "ntfy", allowPrivate);
    const topic = url.pathname.split("/").filter(Boolean).pop();
    if (!topic || !/^[-_A-Za-z0-9]{1,64}$/.test(topic)) throw new ChannelFieldError("target must end with the topic name (letters, digits, - and _), e.g. https://ntfy.sh/my-borela-alerts");
    if (url.search || url.hash) throw new ChannelFieldError("target is the topic URL alone, without ?query or #fragment");
    return url.toString();
  },
  render: (c, target) => ntfyPayload(c, ntfyTopic(target).topic),
  send(channel, c, s) {
    const { server, topic } = ntfyTopic(channel.target);
    const headers: Record<string, string> = channel.secret ? { authorization: `Bearer ${channel.secret}` } : {};
    return postJson(s, server, ntfyPayload(c, topic), headers);
  },
};
