// Generic webhooks: Borela's own JSON, POSTed and signed when the channel has
// a secret. See core/src/alerts/README.md for how a receiver verifies it.
import { createHmac, timingSafeEqual } from "node:crypto";
import { alertLabel, headline, subject, type AlertContext } from "../message.ts";
import { sendHttp } from "./http.ts";
import { maskedUrl } from "./display.ts";
import type { Provider } from "./provider.ts";
import { urlTarget } from "./target.ts";
import { oneLine } from "./text.ts";
import { deliveryIdentity } from "./delivery-identity.ts";
import { secondsBetween } from "../../words/seconds.ts";

const TIMESTAMP_HEADER = "x-borela-timestamp";
const SIGNATURE_HEADER = "x-borela-signature";
const IDEMPOTENCY_HEADER = "idempotency-key";

/** HMAC-SHA256 over "<timestamp>.<body>" with the shared secret, as "sha256=<hex>". */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does: recompute, compare in constant time, refuse stale timestamps (replays). */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string, now = new Date(), toleranceSeconds = 300): boolean {
  const sent = Number(timestamp);
  if (!Number.isInteger(sent) || Math.abs(now.getTime() / 1000 - sent) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Borela's JSON: `startedAt` is when the trouble began (the last heartbeat, the oldest unreplicated change),
 * `openedAt` when it crossed its threshold, `durationSeconds` from startedAt to resolvedAt (or now).
 * A summary (`event: "summary"`) lists the missed incidents in `incidents`, each in this same shape.
 */
export function webhookPayload(c: AlertContext): Record<string, unknown> {
  return {
    event: c.event,
    kind: c.kind,
    state: alertLabel(c),
    project: c.project,
    database: c.database,
    reason: c.reason,
    startedAt: c.startedAt.toISOString(),
    openedAt: c.openedAt.toISOString(),
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    durationSeconds: Math.round(secondsBetween(c.startedAt, c.resolvedAt ?? c.now)),
    lastBackupAt: c.lastBackupAt?.toISOString() ?? null,
    lastPassingDrillAt: c.lastPassingDrillAt?.toISOString() ?? null,
    restoreCommands: c.restoreCommands,
    dashboardUrl: c.dashboardUrl,
    subject: oneLine(subject(c)),
    headline: oneLine(headline(c)),
    ...(c.items ? { incidents: c.items.map(webhookPayload) } : {}),
  };
}

/**
 * POSTs the payload as JSON, signed with X-Borela-Timestamp and X-Borela-Signature when secret is set;
 * with `idempotencyKey` (delivery-identity.ts), also in an Idempotency-Key header. "HTTP <status> from
 * <host>" or throws as sendHttp does.
 */
export function postWebhook(url: string, payload: unknown, secret: string | null, timeoutMs = 10_000, allowPrivateTargets = false, idempotencyKey?: string, secrets?: string[]): Promise<string> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = idempotencyKey ? { [IDEMPOTENCY_HEADER]: idempotencyKey } : {};
  if (secret) {
    // Wall-clock time, not the dispatcher's clock: receivers compare it with theirs.
    const timestamp = String(Math.floor(Date.now() / 1000));
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signWebhook(secret, timestamp, body);
  }
  return sendHttp({ url, headers, body, timeoutMs, allowPrivateTargets, secrets });
}

export const webhook: Provider = {
  targetHelp: "Any http(s) URL; receives Borela's JSON, signed with HMAC-SHA256 when a secret is set.",
  secret: { required: false, help: "signing secret, 16+ characters (HMAC-SHA256 over the body)", minLength: 16 },
  resolves: "notice",
  display: (target) => maskedUrl(target),
  checkTarget: (target, allowPrivate) => urlTarget(target, "webhook", allowPrivate).toString(),
  render: (c) => webhookPayload(c),
  // The identity rides in the signed body too (idempotencyKey) and in the header; a test send has none.
  send(channel, c, s) {
    const id = channel.deliveryKey ? deliveryIdentity(channel.deliveryKey) : undefined;
    return postWebhook(channel.target, { ...webhookPayload(c), ...(id ? { idempotencyKey: id } : {}) }, channel.secret, s.timeoutMs, s.allowPrivateTargets, id, s.secrets);
  },
};
