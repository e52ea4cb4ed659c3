// Inserting a Delivery row is claiming its message: the unique dedupeKey lets
// exactly one process (or one restart) win.
import { Prisma } from "../generated/prisma/client.ts";
import type { Store } from "../store/db.ts";
import { newId } from "../store/ids.ts";

export interface DeliveryClaim {
  dedupeKey: string;
  event: string;
  incidentId: string | null;
  channelId: string | null;
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
