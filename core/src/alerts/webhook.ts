// Webhooks: a JSON POST, signed when the channel has a secret. See
// core/src/alerts/README.md for how a receiver verifies the signature.
import { createHmac, timingSafeEqual } from "node:crypto";

export const TIMESTAMP_HEADER = "x-borela-timestamp";
export const SIGNATURE_HEADER = "x-borela-signature";

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

/** POSTs the payload; resolves with "HTTP <status> from <host>", throws on a non-2xx answer or no answer. */
export async function postWebhook(url: string, payload: unknown, secret: string | null, timeoutMs = 10_000): Promise<string> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "borela-alerts" };
  if (secret) {
    // Wall-clock time, not the dispatcher's clock: receivers compare it with theirs.
    const timestamp = String(Math.floor(Date.now() / 1000));
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signWebhook(secret, timestamp, body);
  }
  // Only the host is ever reported: Slack and Discord webhook URLs carry their secret in the path.
  const host = new URL(url).host;
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause;
    throw new Error(`POST to ${host} failed: ${cause?.message ?? (err as Error).message}`);
  }
  const text = (await res.text().catch(() => "")).slice(0, 200).trim();
  if (res.status < 200 || res.status > 299) throw new Error(`POST to ${host} answered HTTP ${res.status}${text ? `: ${text}` : ""}`);
  return `HTTP ${res.status} from ${host}`;
}
