// Inserting a Delivery row is claiming its message: the unique dedupeKey lets
// exactly one process (or one restart) win.
import { Prisma } from "../generated/prisma/client.ts";
import type { DeliveryEvent, DeliveryStatus } from "../generated/prisma/enums.ts";
import type { Store } from "../store/db.ts";
import { newId } from "../store/ids.ts";
import { storeTime } from "../store/time.ts";
import { dialectOf, forDialect } from "../store/dialect.ts";

export interface DeliveryClaim {
  dedupeKey: string;
  event: DeliveryEvent;
  incidentId: string | null;
  channelId: string | null;
  /** Alert-email recipients (delivery-key.ts deliveryTarget); null for a channel row and the digest. */
  target: string | null;
}

/** True when this call created the row; false when someone already had. */
export async function claimDelivery(store: Store, claim: DeliveryClaim, at: Date): Promise<boolean> {
  try {
    await store.delivery.create({ data: { id: newId(), ...claim, status: "pending", createdAt: at, nextAttemptAt: at } });
    return true;
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return false;
    throw err;
  }
}

// Rows per INSERT: 8 bound values each stays under SQLite's 999 bound parameters.
const CLAIM_CHUNK = 100;

/**
 * Claims many deliveries with one INSERT … ON CONFLICT DO NOTHING per CLAIM_CHUNK rows (a planning batch
 * of a mass silence: thousands of rows, not thousands of Prisma calls). Returns how many rows this call
 * created; a claim whose dedupeKey exists already (another process, an earlier pass) is skipped, as
 * claimDelivery skips it.
 */
export async function claimDeliveries(store: Store, claims: DeliveryClaim[], at: Date): Promise<number> {
  let created = 0;
  const t = storeTime(at);
  const dialect = dialectOf(store);
  for (let i = 0; i < claims.length; i += CLAIM_CHUNK) {
    const chunk = claims.slice(i, i + CLAIM_CHUNK);
    const values = chunk.map(() => "(?, ?, ?, ?, ?, ?, 'pending', ?, ?)").join(", ");
    const params = chunk.flatMap((c) => [newId(), c.incidentId, c.channelId, c.event, c.dedupeKey, c.target, t, t]);
    // One statement for both stores: PostgreSQL reads the ISO text as timestamp(3) and the event as its enum.
    created += await store.$executeRawUnsafe(
      forDialect(
        dialect,
        `INSERT INTO "Delivery" ("id", "incidentId", "channelId", "event", "dedupeKey", "target", "status", "createdAt", "nextAttemptAt")
         VALUES ${values} ON CONFLICT ("dedupeKey") DO NOTHING`,
      ),
      ...params,
    );
  }
  return created;
}

/**
 * Takes a pending (or lease-expired) delivery for one attempt: moves it to "sending" with attempts + 1 and
 * the lease's end (at + leaseMs) as nextAttemptAt, only if it is still as read and, when "sending", its
 * lease has still run out at `at` (its holder may have renewed it since it was read). True when this call won it.
 */
export async function leaseDelivery(store: Store, d: { id: string; status: DeliveryStatus; attempts: number }, at: Date, leaseMs: number): Promise<boolean> {
  const { count } = await store.delivery.updateMany({
    where: { id: d.id, status: d.status, attempts: d.attempts, ...(d.status === "sending" ? { nextAttemptAt: { lte: at } } : {}) },
    data: { status: "sending", attempts: d.attempts + 1, nextAttemptAt: new Date(at.getTime() + leaseMs) },
  });
  return count === 1;
}

/** A leased row as this process holds it: its id and the attempts count its lease wrote. */
export interface HeldLease {
  id: string;
  attempts: number;
}

/**
 * Moves the end of each lease this process still holds to at + leaseMs (a send that outlasts one lease
 * period keeps its rows). A row another process took over (attempts moved on) is left alone.
 */
export async function renewLeases(store: Store, held: HeldLease[], at: Date, leaseMs: number): Promise<void> {
  // One statement per CLAIM_CHUNK rows (a catch-up message may hold thousands), 2 bound values each.
  for (let i = 0; i < held.length; i += CLAIM_CHUNK) {
    const chunk = held.slice(i, i + CLAIM_CHUNK).map((h) => ({ id: h.id, attempts: h.attempts }));
    await store.delivery.updateMany({ where: { status: "sending", OR: chunk }, data: { nextAttemptAt: new Date(at.getTime() + leaseMs) } });
  }
}
