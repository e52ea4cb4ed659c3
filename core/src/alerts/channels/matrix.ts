// Matrix: an m.room.message event sent with the client-server API
// (PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId},
// https://spec.matrix.org/v1.11/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid)
// with the bot user's access token (the channel's secret). The HTML body
// escapes reported text; an empty m.mentions says the message mentions no one,
// so neither @room nor a name in reported text notifies anybody.
//
// Target: "<homeserver URL>/<room id>", e.g. "https://matrix.example.org/!abcdef:example.org".
import { randomUUID } from "node:crypto";
import { deliveryIdentity } from "./delivery-identity.ts";
import { escapeHtml } from "../../words/html.ts";
import { textBody } from "../email-body.ts";
import { facts, headline, subject, type AlertContext } from "../message.ts";
import { postJson } from "./http.ts";
import { maskedUrl } from "./display.ts";
import { ChannelFieldError, type Provider } from "./provider.ts";
import { urlTarget } from "./target.ts";
import { clip, clipLines, jsonBytes, oneLine } from "./text.ts";

const ROOM_ID = /^![^\s/:]+:[^\s/]+$/;

/**
 * A homeserver refuses an event over 65,536 bytes (https://spec.matrix.org/v1.11/client-server-api/#size-limits),
 * envelope and signatures included; the two bodies share this much of it, in bytes as the event's JSON holds them.
 */
const BODY_BYTES = 20_000;
const HTML_BYTES = 36_000;

/** s escaped, cut (before escaping, so no entity is cut open) to at most maxBytes in the event's JSON. */
function html(s: string, maxBytes: number): string {
  return escapeHtml(clip(s, maxBytes, (x) => jsonBytes(escapeHtml(x))));
}

/** The HTML body, at most HTML_BYTES in JSON: each value cut before it is escaped, then whole rows and commands kept. */
export function matrixHtml(c: AlertContext): string {
  const rows = (c.event === "summary" ? facts(c).slice(1) : facts(c)).map(([k, v]) => `<li><b>${html(k, 600)}:</b> ${html(v, 6000)}</li>`);
  const commands = c.event === "summary" ? [] : c.restoreCommands.map((cmd) => `<pre><code>${html(cmd, 3000)}</code></pre>`);
  return [
    `<h4>${html(oneLine(subject(c)), 1000)}</h4>`,
    `<p>${html(oneLine(headline(c)), 4000)}</p>`,
    `<ul>${clipLines(rows, HTML_BYTES / 2, "<li>see the dashboard</li>", jsonBytes).replace(/\n/g, "")}</ul>`,
    ...(commands.length ? ["<p>To restore the latest backup:</p>", clipLines(commands, HTML_BYTES / 4, "<p>restore command too long to show; see the dashboard</p>", jsonBytes)] : []),
    `<p><a href="${escapeHtml(c.dashboardUrl)}">Open the dashboard</a></p>`,
  ].join("\n");
}

export function matrixPayload(c: AlertContext) {
  return { msgtype: "m.text", body: clip(`${oneLine(subject(c))}\n\n${textBody(c)}`, BODY_BYTES, jsonBytes), format: "org.matrix.custom.html", formatted_body: matrixHtml(c), "m.mentions": {} };
}

/** The homeserver's base URL and the room id, from the target. */
export function matrixRoom(target: string): { homeserver: string; room: string } {
  const url = new URL(target);
  const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const room = segments.pop() ?? "";
  return { homeserver: `${url.origin}${segments.map((s) => `/${s}`).join("")}`, room };
}

/**
 * The event's transaction id: derived from the delivery's dedupe key, so every attempt of one delivery
 * (a retry after a timeout whose PUT did arrive) is the same transaction and the homeserver posts it once
 * (https://spec.matrix.org/v1.11/client-server-api/#transaction-identifiers); a test send has no delivery: a fresh one.
 */
export function matrixTxnId(deliveryKey: string | undefined): string {
  return deliveryKey ? deliveryIdentity(deliveryKey) : `borela-${randomUUID()}`;
}

export const matrix: Provider = {
  targetHelp: "<homeserver URL>/<room id>, e.g. https://matrix.example.org/!abcdef:example.org; the secret is the bot user's access token.",
  secret: { required: true, help: "access token of the user that posts (it must have joined the room)", inHeader: true },
  resolves: "notice",
  display: (target) => maskedUrl(target, 0),
  checkTarget(target, allowPrivate) {
    urlTarget(target, "matrix", allowPrivate);
    const { homeserver, room } = matrixRoom(target);
    if (!ROOM_ID.test(room)) throw new ChannelFieldError("target must end with the room id (!…:server, under Room settings → Advanced), e.g. https://matrix.example.org/!abcdef:example.org");
    return `${homeserver}/${room}`;
  },
  render: (c) => matrixPayload(c),
  send(channel, c, s) {
    const { homeserver, room } = matrixRoom(channel.target);
    const url = `${homeserver}/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/${matrixTxnId(channel.deliveryKey)}`;
    return postJson(s, url, matrixPayload(c), { authorization: `Bearer ${channel.secret ?? ""}` }, "PUT");
  },
};
