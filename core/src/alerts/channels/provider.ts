// What every alert provider (channels/<type>.ts) is: it checks a target when a
// channel is saved, renders an alert for its markup (pure), sends it, and says
// how an incident's end reaches the receiver.
import type { AlertContext } from "../message.ts";
import type { ChannelType } from "./registry.ts";

export interface Channel {
  /** The AlertChannel row; null for alert emails (Project.alertEmails, BORELA_ALERT_EMAIL). */
  id: string | null;
  type: ChannelType;
  /** As checked by the provider's checkTarget (comma-separated addresses, a URL, keys). */
  target: string;
  /** The channel's secret, decrypted (a webhook's signing secret, an access token); null when none. */
  secret: string | null;
  /** The dedupe key of the delivery being sent (Delivery.dedupeKey), the same at every attempt; absent for a test send. */
  deliveryKey?: string;
}

export interface Senders {
  smtpUrl: string | null;
  mailFrom: string;
  /** Per stage of an SMTP session, or for a whole HTTP request. */
  timeoutMs?: number;
  /** BORELA_ALERT_ALLOW_PRIVATE_TARGETS: providers may be reached on loopback and private addresses (never link-local). */
  allowPrivateTargets?: boolean;
  /** The channel's secret values (channel-secrets.ts), set by send() in channels.ts: sendHttp redacts them from an answer before cutting it. */
  secrets?: string[];
}

/** A target or secret an admin gave is unusable; the message starts with the field's name ("target", "secret"). */
export class ChannelFieldError extends Error {}

export interface Provider {
  /** One line for the dashboard and the API: what the target is. */
  targetHelp: string;
  /** What the channel's secret holds for this provider; null when it takes none. */
  /** inHeader: the provider sends it in an HTTP header, so it must be visible ASCII (secret-rules.ts). */
  secret: { required: boolean; help: string; minLength?: number; inHeader?: boolean } | null;
  /**
   * How an incident's end reaches the receiver: "notice", a RESOLVED message; "closes", the alert the
   * opening created is closed (same dedup key), so a pager clears itself.
   */
  resolves: "notice" | "closes";
  /** The target as stored (normalized), or ChannelFieldError naming the field. allowPrivate: BORELA_ALERT_ALLOW_PRIVATE_TARGETS. */
  checkTarget(target: string, allowPrivate: boolean): string;
  /** Pure: the target as the API and the dashboard show it, without the secret it may hold (display.ts). */
  display(target: string): string;
  /** Pure: the body (or bodies, in order) the provider receives for this alert, addressed to `target`; never holds the secret. */
  render(c: AlertContext, target: string): unknown;
  /** Renders and sends; resolves with what the receiver answered ("HTTP 202 from events.pagerduty.com"). */
  send(channel: Channel, c: AlertContext, senders: Senders): Promise<string>;
}
