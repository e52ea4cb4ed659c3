// The Delivery row writes of a send pass beside the send itself (deliver.ts): a digest given up on, rows
// given back to a peer, the rows a stored message covers leased, the message stored before it is sent.
import type { Store } from "../store/db.ts";
import { leaseDelivery } from "./claim.ts";
import type { DeliveredAttempt, DeliveryRow } from "./deliver.ts";
import { coveredByText, freezeMessage, type FrozenMessage } from "./frozen-message.ts";

/** How long a core leaves a delivery it cannot send (NotSendableHereError) before it looks at it again. */
export const NOT_HERE_MS = 60_000;
// Rows remembered as not sendable here; beyond this the memory starts over (each is then tried once more).
export const NOT_HERE_MAX = 10_000;

/**
 * The deliveries this process cannot send (id → until when, ms since the epoch): skipped until then, so a
 * peer that can send them takes them. Owned by the dispatcher, kept across passes.
 */
export type NotHere = Map<string, number>;

export const DIGEST_EXPIRED = "expired: no core that could send it (BORELA_SMTP_URL and digest recipients) ran during its week";

/** Fails a digest no core sent in its week (digest-schedule.ts digestExpired); false when another core settled it first. */
export async function expireDigest(store: Store, d: DeliveryRow): Promise<boolean> {
  const { count } = await store.delivery.updateMany({ where: { id: d.id, status: d.status, attempts: d.attempts }, data: { status: "failed", lastError: DIGEST_EXPIRED } });
  return count === 1;
}

/**
 * Gives rows this core could not send back as they were (pending, attempts and time unchanged: no attempt
 * counted, a peer takes them at once), remembered in notHere. Reported once per row while remembered.
 */
export async function release(store: Store, batch: DeliveryRow[], detail: string, notHere: NotHere, at: Date): Promise<DeliveredAttempt[]> {
  const out: DeliveredAttempt[] = [];
  for (const b of batch) {
    await store.delivery.updateMany({
      where: { id: b.id, status: "sending", attempts: b.attempts + 1 },
      data: { status: "pending", attempts: b.attempts, nextAttemptAt: b.nextAttemptAt, lastError: detail },
    });
    if (!notHere.has(b.id)) out.push({ id: b.id, event: b.event, ok: false, detail, status: "left for a peer" });
    notHere.set(b.id, at.getTime() + NOT_HERE_MS);
  }
  return out;
}

/** True while the row whose message covers another is still to be sent (pending or sending). */
export async function leadUnsent(store: Store, leadId: string): Promise<boolean> {
  return (await store.delivery.count({ where: { id: leadId, status: { in: ["pending", "sending"] } } })) > 0;
}

// Ids per query: under SQLite's 999 bound parameters.
const ID_CHUNK = 500;

/** Leases the rows of `ids` that are still unsent and not held by a live lease (a frozen message's cover). */
export async function leaseRows(store: Store, ids: string[], at: Date, leaseMs: number): Promise<DeliveryRow[]> {
  const leased: DeliveryRow[] = [];
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const rows = await store.delivery.findMany({ where: { id: { in: ids.slice(i, i + ID_CHUNK) }, status: { in: ["pending", "sending"] } } });
    for (const r of rows) {
      if (r.status === "sending" && r.nextAttemptAt > at) continue;
      if (await leaseDelivery(store, r, at, leaseMs)) leased.push(r);
    }
  }
  return leased;
}

/**
 * Writes the message about to be sent into the lead row (while this process holds its lease) and marks
 * the other rows as told by it. False when the lead's lease was lost: nothing is sent then.
 */
export async function freeze(store: Store, d: DeliveryRow, m: FrozenMessage): Promise<boolean> {
  const { count } = await store.delivery.updateMany({ where: { id: d.id, status: "sending", attempts: d.attempts + 1 }, data: { message: freezeMessage(m) } });
  if (count === 0) return false;
  for (let i = 0; i < m.cover.length; i += ID_CHUNK) {
    await store.delivery.updateMany({ where: { id: { in: m.cover.slice(i, i + ID_CHUNK) } }, data: { message: coveredByText(d.id) } });
  }
  return true;
}
