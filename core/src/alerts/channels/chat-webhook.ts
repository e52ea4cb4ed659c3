// Chat incoming webhooks (Slack, Discord, Mattermost, Teams): the target is the
// webhook's URL, whose last path segments are its secret; an alert is the
// provider's payload POSTed there as JSON, and an incident's end a RESOLVED message.
import type { AlertContext } from "../message.ts";
import { maskedUrl } from "./display.ts";
import { postJson } from "./http.ts";
import type { Provider } from "./provider.ts";
import { urlTarget } from "./target.ts";

/**
 * The provider of one chat service: `secretSegments`, how many trailing path segments the display form hides
 * (all when omitted, maskedUrl); `payload`, the pure body for an alert.
 */
export function chatWebhook(type: string, targetHelp: string, payload: (c: AlertContext) => unknown, secretSegments?: number): Provider {
  return {
    targetHelp,
    secret: null,
    resolves: "notice",
    display: (target) => maskedUrl(target, secretSegments),
    checkTarget: (target, allowPrivate) => urlTarget(target, type, allowPrivate).toString(),
    render: (c) => payload(c),
    send: (channel, c, s) => postJson(s, channel.target, payload(c)),
  };
}
