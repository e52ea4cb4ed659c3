// Sending: email over SMTP (nodemailer) and webhooks over HTTP. Each send
// either resolves with a short detail for the delivery log or throws.
import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import { discordPayload, htmlBody, slackPayload, subject, textBody, webhookPayload, type AlertContext } from "./message.ts";

export type ChannelType = "email" | "webhook" | "slack" | "discord";

export interface Channel {
  id: string | null;
  type: ChannelType;
  /** Comma-separated addresses (email) or a URL (webhooks). */
  target: string;
  secret: string | null;
}

export interface Senders {
  smtpUrl: string | null;
  mailFrom: string;
  timeoutMs?: number;
}

/** The signature a receiver recomputes: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export async function send(channel: Channel, c: AlertContext, senders: Senders): Promise<string> {
  if (channel.type === "email") return sendEmail(channel.target, c, senders);
  const payload = channel.type === "slack" ? slackPayload(c) : channel.type === "discord" ? discordPayload(c) : webhookPayload(c);
  return postJson(channel.target, payload, channel.secret, senders.timeoutMs ?? 10_000);
}

async function sendEmail(to: string, c: AlertContext, senders: Senders): Promise<string> {
  if (!senders.smtpUrl) throw new Error("no SMTP server configured: set BORELA_SMTP_URL");
  const transport = nodemailer.createTransport(senders.smtpUrl, { connectionTimeout: senders.timeoutMs ?? 10_000, greetingTimeout: senders.timeoutMs ?? 10_000 });
  try {
    const info = await transport.sendMail({ from: senders.mailFrom, to, subject: subject(c), text: textBody(c), html: htmlBody(c) });
    return `SMTP accepted for ${info.accepted.join(", ")}: ${info.response}`;
  } finally {
    transport.close();
  }
}

async function postJson(url: string, payload: unknown, secret: string | null, timeoutMs: number): Promise<string> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "borela-alerts" };
  if (secret) {
    headers["x-borela-timestamp"] = timestamp;
    headers["x-borela-signature"] = signWebhook(secret, timestamp, body);
  }
  const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = (await res.text()).slice(0, 200);
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${new URL(url).host}: ${text}`);
  return `HTTP ${res.status} from ${new URL(url).host}`;
}
