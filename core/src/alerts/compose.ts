// What one message says, gathered from the store as of one instant: one row's alert, a group of databases
// (grouping.ts), or a channel's catch-up (missed.ts). deliver.ts freezes it before the first attempt.
import type { Store } from "../store/db.ts";
import type { AlertContext } from "./alert-context.ts";
import { alertContext } from "./context.ts";
import type { AlertEvent } from "./decisions.ts";
import type { DeliverSettings, DeliveryRow } from "./deliver.ts";
import { PermanentDeliveryError } from "./errors.ts";
import type { MessageMode } from "./frozen-message.ts";
import { groupContext } from "./grouping.ts";
import { missedContext } from "./missed.ts";

/**
 * The context of the message `batch` makes (its first row leads) in `mode`, as of `at`. Throws
 * PermanentDeliveryError when the incidents it tells no longer exist.
 */
export async function composeMessage(store: Store, settings: DeliverSettings, mode: MessageMode, batch: DeliveryRow[], at: Date): Promise<AlertContext> {
  const d = batch[0];
  if (mode === "missed") {
    const incidents = [...new Set(batch.map((b) => b.incidentId).filter((id): id is string => !!id))];
    return missedContext(store, settings.publicUrl, incidents, at);
  }
  if (mode === "group") {
    const incidents = await store.incident.findMany({ where: { id: { in: batch.map((b) => b.incidentId!) } }, orderBy: [{ openedAt: "asc" }, { id: "asc" }] });
    if (incidents.length === 0) throw new PermanentDeliveryError(`incidents of ${batch.map((b) => b.dedupeKey).join(", ")} no longer exist`);
    const items = await Promise.all(incidents.map((i) => alertContext(store, settings.publicUrl, i, d.event as AlertEvent, at, settings.s3 ?? null)));
    items.sort((a, b) => (a.database ?? "").localeCompare(b.database ?? ""));
    return groupContext(items);
  }
  if (!d.incidentId) throw new PermanentDeliveryError(`delivery ${d.dedupeKey} has no incident`);
  const incident = await store.incident.findUnique({ where: { id: d.incidentId } });
  if (!incident) throw new PermanentDeliveryError(`incident ${d.incidentId} no longer exists`);
  return alertContext(store, settings.publicUrl, incident, d.event as AlertEvent, at, settings.s3 ?? null);
}

/** The delivery log's words for a sent message: the channel's answer, and what a group or summary covered. */
export function messageDetail(mode: MessageMode, context: AlertContext, answer: string): string {
  const items = context.items ?? [];
  if (mode === "group" && items.length > 1) return `${answer} (one message for ${items.length} databases: ${items.map((i) => i.database).join(", ")})`;
  if (mode === "missed" && items.length > 1) return `${answer} (one summary of ${items.length} incidents that were over before this channel could be told)`;
  return answer;
}
