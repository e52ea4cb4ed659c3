// Incident rows are the record of what went wrong and when it cleared. Opening
// is idempotent per (project, database, kind): one open incident at a time.
// Each opening and each resolve writes its transition row (the outbox the
// alert planner reads) in the same statement. This folder is the only code
// that writes incident rows.
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
 * Opens the incident for this key at `now` (with its "opened" transition), or keeps the one already
 * open (its reason updated when the wording changed). `opened`: whether a new row was created.
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
    data: {
      id: newId(now.getTime()),
      projectId: key.projectId,
      databaseId: key.databaseId ?? null,
      kind: key.kind,
      reason: key.reason,
      openedAt: now,
      transitions: { create: { projectId: key.projectId, event: "opened", at: now } },
    },
  });
  return { incident, opened: true };
}

/** Resolves the open incident for this key, if any, at `now`; returns how many were resolved. */
export async function resolveIncident(store: IncidentStore, key: IncidentKey, now = new Date()): Promise<number> {
  const open = await store.incident.findMany({
    where: { projectId: key.projectId, databaseId: key.databaseId ?? null, kind: key.kind, resolvedAt: null },
    select: { id: true },
  });
  return resolveEach(store, key.projectId, open, now);
}

/** Resolves one incident of a project by id at `at` (when its condition went away); 0 when another process resolved it first. */
export async function resolveIncidentById(store: IncidentStore, projectId: string, id: string, at: Date): Promise<number> {
  return resolveEach(store, projectId, [{ id }], at);
}

/** Resolves every open incident of a database (it is being retired); returns how many. */
export async function resolveDatabaseIncidents(store: IncidentStore, projectId: string, databaseId: string, now = new Date()): Promise<number> {
  const open = await store.incident.findMany({ where: { projectId, databaseId, resolvedAt: null }, select: { id: true } });
  return resolveEach(store, projectId, open, now);
}

async function resolveEach(store: IncidentStore, projectId: string, incidents: { id: string }[], at: Date): Promise<number> {
  let resolved = 0;
  for (const { id } of incidents) {
    // Guarded by resolvedAt: null, so a resolve that lost a race writes neither the time nor a transition.
    const data = { resolvedAt: at, transitions: { create: { projectId, event: "resolved" as const, at } } };
    if (await store.incident.update({ where: { id, resolvedAt: null }, data }).then(() => true, notFound)) resolved++;
  }
  return resolved;
}

/** Prisma's "record to update not found" (P2025) is false; anything else is thrown again. */
function notFound(err: unknown): false {
  if ((err as { code?: unknown } | null)?.code === "P2025") return false;
  throw err;
}
