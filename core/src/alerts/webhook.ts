// Webhooks: a JSON POST, signed when the channel has a secret. See
// core/src/alerts/README.md for how a receiver verifies the signature.
import { createHmac, timingSafeEqual } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { PermanentDeliveryError } from "./errors.ts";
import { checkedLookup, hostProblem, TargetAddressError } from "./target-address.ts";

const TIMESTAMP_HEADER = "x-borela-timestamp";
const SIGNATURE_HEADER = "x-borela-signature";

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
 * POSTs the payload; resolves with "HTTP <status> from <host>", throws on a non-2xx answer or no answer
 * within timeoutMs (the whole request). A target whose address is refused (target-address.ts: link-local
 * always, private ranges unless allowPrivateTargets) throws PermanentDeliveryError before anything is sent;
 * names are resolved once, checked, and that address is the one connected to. Redirects are not followed.
 */
export async function postWebhook(url: string, payload: unknown, secret: string | null, timeoutMs = 10_000, allowPrivateTargets = false): Promise<string> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "borela-alerts" };
  if (secret) {
    // Wall-clock time, not the dispatcher's clock: receivers compare it with theirs.
    const timestamp = String(Math.floor(Date.now() / 1000));
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signWebhook(secret, timestamp, body);
  }
  const target = new URL(url);
  // Only the host is ever reported: Slack and Discord webhook URLs carry their secret in the path.
  const host = target.host;
  const literal = hostProblem(target.hostname, allowPrivateTargets);
  if (literal) throw new PermanentDeliveryError(`POST to ${host} refused: ${literal}`);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = send(target, { method: "POST", headers, agent: false, lookup: checkedLookup(allowPrivateTargets) }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (text.length < 1000) text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", reject);
    req.end(body);
  }).catch((err: Error) => {
    if (err instanceof TargetAddressError) throw new PermanentDeliveryError(`POST to ${host} refused: ${err.message}`);
    throw new Error(`POST to ${host} failed: ${err.message}`);
  });
  const shown = text.slice(0, 200).trim();
  if (status < 200 || status > 299) throw new Error(`POST to ${host} answered HTTP ${status}${shown ? `: ${shown}` : ""}`);
  return `HTTP ${status} from ${host}`;
}
