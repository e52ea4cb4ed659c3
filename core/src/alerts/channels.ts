// A channel is where alerts go: email addresses, a generic signed webhook,
// Slack or Discord. send() renders the alert for the channel and sends it.
import { sendEmail } from "./email.ts";
import { htmlBody, textBody } from "./email-body.ts";
import { subject, type AlertContext } from "./message.ts";
import { discordPayload, slackPayload, webhookPayload } from "./payloads.ts";
import { postWebhook } from "./webhook.ts";

export const CHANNEL_TYPES = ["email", "webhook", "slack", "discord"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export interface Channel {
  /** The AlertChannel row; null for alert emails (Project.alertEmails, BORELA_ALERT_EMAIL). */
  id: string | null;
  type: ChannelType;
  /** Comma-separated addresses (email) or a URL (webhooks). */
  target: string;
  /** Webhook signing secret, decrypted; null when unsigned. */
  secret: string | null;
}

export interface Senders {
  smtpUrl: string | null;
  mailFrom: string;
  /** Per stage of an SMTP session, or for a whole webhook request. */
  timeoutMs?: number;
  /** BORELA_ALERT_ALLOW_PRIVATE_TARGETS: webhooks may go to loopback and private addresses (never link-local). */
  allowPrivateTargets?: boolean;
}

export function send(channel: Channel, c: AlertContext, senders: Senders): Promise<string> {
  switch (channel.type) {
    case "email":
      return sendEmail(senders, { to: channel.target, subject: subject(c), text: textBody(c), html: htmlBody(c) });
    case "slack":
      return postWebhook(channel.target, slackPayload(c), channel.secret, senders.timeoutMs, senders.allowPrivateTargets);
    case "discord":
      return postWebhook(channel.target, discordPayload(c), channel.secret, senders.timeoutMs, senders.allowPrivateTargets);
    default:
      return postWebhook(channel.target, webhookPayload(c), channel.secret, senders.timeoutMs, senders.allowPrivateTargets);
  }
}
