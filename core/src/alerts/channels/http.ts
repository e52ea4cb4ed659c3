// One HTTP request to a provider, with the core's network rules: the target's
// address is checked (target-address.ts: link-local always refused, loopback and
// private ranges unless allowPrivateTargets), names are resolved once and the
// checked address is the one connected to, redirects are not followed.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { PermanentDeliveryError } from "../errors.ts";
import { checkedLookup, hostProblem, TargetAddressError } from "../target-address.ts";
import type { Senders } from "./provider.ts";
import { withoutSecrets } from "../../redact.ts";

export interface HttpCall {
  method?: "POST" | "PUT";
  url: string;
  /** Sent as is; "content-type" defaults to application/json. */
  headers?: Record<string, string>;
  body: string;
  /** The whole request, in ms (10 s by default). */
  timeoutMs?: number;
  allowPrivateTargets?: boolean;
  /** The channel's secret values (channel-secrets.ts): replaced in the receiver's answer before it is cut. */
  secrets?: string[];
}

/**
 * Sends the request; resolves with "HTTP <status> from <host>", throws on a non-2xx answer (with the first
 * 200 characters of the answer, `secrets` redacted before the cut so that no cut leaves a secret's start)
 * or no answer within timeoutMs. A refused address, or a header value no HTTP header can carry, throws
 * PermanentDeliveryError before anything is sent. Only the host is ever reported: Slack, Discord, Teams
 * and Telegram URLs carry their secret in the path or query.
 */
export async function sendHttp(call: HttpCall): Promise<string> {
  const method = call.method ?? "POST";
  const timeoutMs = call.timeoutMs ?? 10_000;
  const allowPrivate = call.allowPrivateTargets ?? false;
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "user-agent": "borela-alerts",
    ...call.headers,
    "content-length": Buffer.byteLength(call.body),
  };
  const target = new URL(call.url);
  const host = target.host;
  // A secret stored before secrets were checked (secret-rules.ts) may hold what no header can carry: say so, once.
  const unsendable = Object.keys(call.headers ?? {}).find((name) => /[^\t\x20-\x7e]/.test(call.headers![name]));
  if (unsendable) throw new PermanentDeliveryError(`${method} to ${host} refused: the ${unsendable} header (the channel's secret) holds a line break, a control or a non-ASCII character; save the channel's secret again`);
  const literal = hostProblem(target.hostname, allowPrivate);
  if (literal) throw new PermanentDeliveryError(`${method} to ${host} refused: ${literal}`);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = send(target, { method, headers, agent: false, lookup: checkedLookup(allowPrivate) }, (res) => {
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
    req.end(call.body);
  }).catch((err: Error) => {
    if (err instanceof TargetAddressError) throw new PermanentDeliveryError(`${method} to ${host} refused: ${err.message}`);
    throw new Error(`${method} to ${host} failed: ${err.message}`);
  });
  const shown = withoutSecrets(text, call.secrets ?? []).slice(0, 200).trim();
  if (status < 200 || status > 299) throw new Error(`${method} to ${host} answered HTTP ${status}${shown ? `: ${shown}` : ""}`);
  return `HTTP ${status} from ${host}`;
}

/** sendHttp with `payload` as the JSON body, under the senders' timeout and private-target rule; POST unless `method` is PUT. */
export function postJson(s: Senders, url: string, payload: unknown, headers?: Record<string, string>, method?: "POST" | "PUT"): Promise<string> {
  return sendHttp({ method, url, headers, body: JSON.stringify(payload), timeoutMs: s.timeoutMs, allowPrivateTargets: s.allowPrivateTargets, secrets: s.secrets });
}
