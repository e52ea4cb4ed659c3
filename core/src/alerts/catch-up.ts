// A channel that could not send while incidents came and went (SMTP not
// configured or down, its receiver down, the core down) catches up with one
// message, not a burst: every incident already over that this channel never
// heard open is told once, together (missed.ts renders it). Its pending
// opened, reminder and resolved rows are closed by that one message.
import type { Store } from "../store/db.ts";
import { leaseDelivery } from "./claim.ts";
import { deliveryChannel } from "./delivery-key.ts";
import type { DeliveryRow } from "./deliver.ts";
import { sameRecipients } from "./email-addresses.ts";

/** True when d tells this channel of an incident that is already over and that it never heard open. */
export async function isCatchUp(store: Store, d: DeliveryRow): Promise<boolean> {
  if (d.event === "missed") return true;
  if (d.event !== "opened" || !d.incidentId) return false;
  const incident = await store.incident.findUnique({ where: { id: d.incidentId }, select: { resolvedAt: true } });
  return !!incident?.resolvedAt;
}

/**
 * The other pending rows the catch-up message for d's channel covers, each leased (a row another process
 * holds is left to it): every row of every resolved incident this channel never heard open.
 */
export async function leaseCatchUp(store: Store, d: DeliveryRow, at: Date, leaseMs: number): Promise<DeliveryRow[]> {
  if (!deliveryChannel(d)) return [];
  const candidates = (
    await store.delivery.findMany({
      where: { id: { not: d.id }, status: { in: ["pending", "sending"] }, incident: { resolvedAt: { not: null } }, ...sameChannel(d) },
      orderBy: { id: "asc" },
    })
  ).filter((c) => sameRecipients(c, d));
  const heardOpen = new Map<string, boolean>();
  const leased: DeliveryRow[] = [];
  for (const c of candidates) {
    if (!c.incidentId) continue;
    if (!heardOpen.has(c.incidentId)) heardOpen.set(c.incidentId, await heardItOpen(store, c.incidentId, d));
    if (heardOpen.get(c.incidentId)) continue;
    // A row still leased by another process is left to it.
    if (c.status === "sending" && c.nextAttemptAt > at) continue;
    if (await leaseDelivery(store, c, at, leaseMs)) leased.push(c);
  }
  return leased;
}

async function heardItOpen(store: Store, incidentId: string, d: DeliveryRow): Promise<boolean> {
  const sent = await store.delivery.findMany({ where: { incidentId, event: "opened", status: "sent", ...sameChannel(d) }, select: { channelId: true, target: true } });
  return sent.some((s) => sameRecipients(s, d));
}

/** The rows to d's channel row, or (no row) to alert-email recipients; sameRecipients narrows those to d's addresses. */
function sameChannel(d: { channelId: string | null }) {
  return d.channelId ? { channelId: d.channelId } : { channelId: null, target: { not: null } };
}
