// A delivery's dedupe key names exactly one message: the unique constraint on
// it is the claim that keeps restarts and several core processes from sending
// twice.  "<incidentId>:<channel>:<event>:<n>", where <channel> is the channel
// row's id, or "email:<addresses>" for alert emails that are not rows. The
// addresses are also the row's target column, which is what code reads.
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

/**
 * A delivery row's channel key (as channelKey gives it), from its columns: the channel row's id, or
 * "email:<target>" for alert emails; null for a row of neither (the weekly digest).
 */
export function deliveryChannel(d: { channelId: string | null; target: string | null }): string | null {
  return d.channelId ?? (d.target ? `email:${d.target}` : null);
}

/** The stored target of a delivery to `channel`: alert-email recipients; null for a channel row, which keeps its own. */
export function deliveryTarget(channel: ChannelRef): string | null {
  return channel.id ? null : channel.target;
}

/**
 * The recipients inside a channel key ("email:a@x,b@y" → "a@x,b@y"); null for a channel row's id. The
 * inverse the migration 20270105000000_delivery_target backfills Delivery.target by, in SQL.
 */
export function emailTargetOf(channel: string): string | null {
  return channel.startsWith("email:") ? channel.slice("email:".length) : null;
}

/** One digest per ISO week, whoever sends it. */
export function digestKey(isoWeek: string): string {
  return `digest:${isoWeek}`;
}
