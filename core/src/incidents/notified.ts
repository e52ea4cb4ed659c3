// Delivery bookkeeping on the incident row: when a channel last heard of it.
import type { IncidentStore } from "./open-resolve.ts";

/** Records that a message about this incident was sent at `at`. */
export async function markNotified(store: IncidentStore, incidentId: string, at: Date | undefined): Promise<void> {
  await store.incident.update({ where: { id: incidentId }, data: { lastNotifiedAt: at } });
}
