// Incidents that opened and resolved before a channel could hear of them (the
// core was down, email was not configured yet, or they came and went between
// two ticks) are told once, never as a burst: one incident alone gets its own
// "resolved, not announced while open" message; several become one summary.
import type { Store } from "../store/db.ts";
import { alertContext } from "./context.ts";
import { PermanentDeliveryError } from "./errors.ts";
import type { AlertContext } from "./message.ts";

/**
 * The message for a channel's missed incidents (ids of Incident rows; those since deleted are left out):
 * the incident's own context (event "missed") when one remains, else a summary (event "summary", oldest
 * first in `items`). Throws PermanentDeliveryError when none remains.
 */
export async function missedContext(store: Store, publicUrl: string, incidentIds: string[], now: Date): Promise<AlertContext> {
  const incidents = await store.incident.findMany({ where: { id: { in: incidentIds } }, orderBy: [{ openedAt: "asc" }, { id: "asc" }] });
  if (incidents.length === 0) throw new PermanentDeliveryError(`incidents ${incidentIds.join(", ")} no longer exist`);
  const items = await Promise.all(incidents.map((i) => alertContext(store, publicUrl, i, "missed", now)));
  return items.length === 1 ? items[0] : summaryOf(items, publicUrl, now);
}

/** A summary context over missed incidents; its times span theirs. Pure. */
export function summaryOf(items: AlertContext[], publicUrl: string, now: Date): AlertContext {
  const projects = [...new Map(items.map((i) => [i.project.id, i.project])).values()];
  const one = projects.length === 1 ? projects[0] : null;
  const earliest = (dates: Date[]) => new Date(Math.min(...dates.map((d) => d.getTime())));
  const latest = (dates: Date[]) => new Date(Math.max(...dates.map((d) => d.getTime())));
  return {
    event: "summary",
    project: one ?? { id: "operator", name: `${projects.length} projects` },
    database: null,
    kind: "summary",
    reason: `${items.length} incidents opened and resolved before they could be announced`,
    startedAt: earliest(items.map((i) => i.startedAt)),
    openedAt: earliest(items.map((i) => i.openedAt)),
    resolvedAt: latest(items.map((i) => i.resolvedAt ?? now)),
    lastBackupAt: null,
    lastPassingDrillAt: null,
    restoreCommands: [],
    dashboardUrl: one ? items[0].dashboardUrl : `${publicUrl}/`,
    now,
    items,
  };
}
