// A delivery's dedupe key names exactly one message: the unique constraint on
// it is the claim that keeps restarts and several core processes from sending
// twice.  "<incidentId>:<channel>:<event>:<n>", where <channel> is the channel
// row's id, or "email:<addresses>" for alert emails that are not rows.
import type { AlertEvent } from "./decisions.ts";

export interface ChannelRef {
  id: string | null;
  type: string;
  target: string;
}

export function channelKey(c: ChannelRef): string {
  return c.id ?? `${c.type}:${c.target}`;
}

export function deliveryKey(incidentId: string, channel: ChannelRef, event: AlertEvent, seq: number): string {
  return `${incidentId}:${channelKey(channel)}:${event}:${seq}`;
}

export interface ParsedDeliveryKey {
  incidentId: string;
  channel: string;
  event: string;
  seq: number;
}

export function parseDeliveryKey(key: string): ParsedDeliveryKey | null {
  const parts = key.split(":");
  if (parts.length < 4) return null;
  const seq = Number(parts.at(-1));
  if (!Number.isInteger(seq)) return null;
  return { incidentId: parts[0], channel: parts.slice(1, -2).join(":"), event: parts.at(-2)!, seq };
}

/** Where a message stands in its incident's story for one channel: opened, reminders 1..n, resolved. */
export function messageOrder(event: string, seq: number): number {
  if (event === "opened") return 0;
  if (event === "reminder") return seq;
  if (event === "resolved") return Number.MAX_SAFE_INTEGER;
  return 0;
}

/** The recipients of an alert-email delivery, read back from its key ("email:a@x,b@y"). */
export function emailTargetOf(channel: string): string | null {
  return channel.startsWith("email:") ? channel.slice("email:".length) : null;
}

/** One digest per ISO week, whoever sends it. */
export function digestKey(isoWeek: string): string {
  return `digest:${isoWeek}`;
}
