// Incident rows are the record of what went wrong and when it cleared. Opening
// is idempotent per (project, database, kind): one open incident at a time.
// This folder is the only code that writes incident rows.
import type { Store } from "../store/db.ts";
import { newId } from "../store/ids.ts";
import type { IncidentKind } from "./kinds.ts";

/** The store, or a transaction of it: what writing incidents needs. */
export type IncidentStore = Pick<Store, "incident">;

export interface IncidentKey {
  projectId: string;
  /** Null (or absent) for a project-wide incident (silent, drill_overdue, a project error). */
  databaseId?: string | null;
  kind: IncidentKind;
}

/**
 * Opens the incident for this key at `now`, or keeps the one already open (its reason updated
 * when the wording changed). `opened`: whether a new row was created.
 */
export async function openIncident(store: IncidentStore, key: IncidentKey & { reason: string }, now = new Date()) {
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

/** Resolves the open incident for this key, if any, at `now`; returns how many were resolved. */
export async function resolveIncident(store: IncidentStore, key: IncidentKey, now = new Date()): Promise<number> {
  const { count } = await store.incident.updateMany({
    where: { projectId: key.projectId, databaseId: key.databaseId ?? null, kind: key.kind, resolvedAt: null },
    data: { resolvedAt: now },
  });
  return count;
}

/** Resolves one incident by id at `at` (when its condition went away); none when another process resolved it first. */
export async function resolveIncidentById(store: IncidentStore, id: string, at: Date): Promise<number> {
  const { count } = await store.incident.updateMany({ where: { id, resolvedAt: null }, data: { resolvedAt: at } });
  return count;
}

/** Resolves every open incident of a database (it is being retired); returns how many. */
export async function resolveDatabaseIncidents(store: IncidentStore, projectId: string, databaseId: string, now = new Date()): Promise<number> {
  const { count } = await store.incident.updateMany({ where: { projectId, databaseId, resolvedAt: null }, data: { resolvedAt: now } });
  return count;
}
