// Incident rows are the record of what went wrong and when it cleared. Opening
// is idempotent per (project, database, kind): one open incident at a time.
import type { Store } from "../store/db.ts";
import { newId } from "../store/ids.ts";

export const INCIDENT_KINDS = ["stale", "silent", "error", "drill_failed", "drill_overdue"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export interface IncidentKey {
  projectId: string;
  databaseId?: string | null;
  kind: IncidentKind;
}

export async function openIncident(store: Store, key: IncidentKey & { reason: string }, now = new Date()) {
  const open = await store.incident.findFirst({
    where: { projectId: key.projectId, databaseId: key.databaseId ?? null, kind: key.kind, resolvedAt: null },
  });
  if (open) {
    if (open.reason !== key.reason) await store.incident.update({ where: { id: open.id }, data: { reason: key.reason } });
    return { incident: open, opened: false };
  }
  const incident = await store.incident.create({
    data: { id: newId(now.getTime()), projectId: key.projectId, databaseId: key.databaseId ?? null, kind: key.kind, reason: key.reason, openedAt: now },
  });
  return { incident, opened: true };
}

/** Resolves the open incident for this key, if any; returns how many were resolved. */
export async function resolveIncident(store: Store, key: IncidentKey, now = new Date()): Promise<number> {
  const { count } = await store.incident.updateMany({
    where: { projectId: key.projectId, databaseId: key.databaseId ?? null, kind: key.kind, resolvedAt: null },
    data: { resolvedAt: now },
  });
  return count;
}
