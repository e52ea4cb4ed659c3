// One identity, one message. A delivery's identity (Idempotency-Key, Message-ID, Matrix txnId) comes from
// its dedupe key, so a re-send after a crash or a timeout must carry the body the first attempt carried:
// that attempt writes what it rendered, and which other rows its message covers, into Delivery.message
// before it sends. Whatever happened since (the incident resolved, other rows fell due) goes out as its own
// delivery under its own key. Pure: the stored text and back.
import type { AlertContext } from "./alert-context.ts";

/** How the message was composed: one row, a group of databases (grouping.ts), or a catch-up (catch-up.ts). */
export type MessageMode = "one" | "group" | "missed";

export interface FrozenMessage {
  mode: MessageMode;
  context: AlertContext;
  /** Ids of the other Delivery rows this message tells (sent, retried and settled with it). */
  cover: string[];
  /** What its identity derives from (channels/delivery-identity.ts): see identityKey. */
  identity: string;
}

/** What a covered row's Delivery.message holds: the id of the row whose message tells it. */
export interface CoveredBy {
  coveredBy: string;
}

const DATE_KEYS = new Set(["startedAt", "openedAt", "resolvedAt", "lastBackupAt", "lastPassingDrillAt", "now"]);

export function freezeMessage(m: FrozenMessage): string {
  return JSON.stringify(m);
}

export function coveredByText(leadId: string): string {
  return JSON.stringify({ coveredBy: leadId } satisfies CoveredBy);
}

/**
 * Delivery.message read back: a FrozenMessage (its context's dates as Dates), a CoveredBy, or null when
 * the row has none yet or the text is not one of ours (a row another version wrote is then composed anew).
 */
export function readMessage(text: string | null): FrozenMessage | CoveredBy | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text, (key, v: unknown) => (DATE_KEYS.has(key) && typeof v === "string" ? new Date(v) : v));
    if (typeof value !== "object" || value === null) return null;
    if (typeof (value as CoveredBy).coveredBy === "string") return value as CoveredBy;
    const m = value as FrozenMessage;
    const known = m.mode === "one" || m.mode === "group" || m.mode === "missed";
    return known && typeof m.context === "object" && Array.isArray(m.cover) && typeof m.identity === "string" ? m : null;
  } catch {
    return null;
  }
}

export function isFrozen(m: FrozenMessage | CoveredBy | null): m is FrozenMessage {
  return m !== null && "mode" in m;
}

/**
 * What the identity of a message composed at attempt `attempt` (1 = the first) of the row `dedupeKey`
 * derives from: the dedupe key itself the first time, as every earlier version sent it; a message composed
 * anew after a refused attempt gets "<key>#<attempt>", so an identity never names two different messages.
 */
export function identityKey(dedupeKey: string, attempt: number): string {
  return attempt <= 1 ? dedupeKey : `${dedupeKey}#${attempt}`;
}

/**
 * Whether a failed attempt (its logged detail) may still have reached the receiver: no answer in time, a
 * connection cut mid-request, an SMTP failure other than a refusal. The next attempt then re-sends the
 * stored message. A receiver's own error answer ("answered HTTP 503", every recipient rejected) or a refused
 * connection means it holds nothing under that identity: a message that would now say something else (a
 * catch-up of incidents over since) is composed anew, under a new identity (identityKey).
 */
export function mayHaveArrived(detail: string): boolean {
  return !/answered HTTP \d{3}|ECONNREFUSED|rejected every recipient/.test(detail);
}

/** True when a message composed now (mode, the ids of the other rows it would cover) is the stored one's plan. */
export function samePlan(m: FrozenMessage, mode: MessageMode, cover: string[]): boolean {
  return m.mode === mode && m.cover.length === cover.length && cover.every((id) => m.cover.includes(id));
}
