// The freshness sweep's incident writes on PostgreSQL (store/postgres/sweep-store.ts runs them in its batch): the same rows and rules as
// incidents/sweep-sql.ts on SQLite (an opening and a resolve each with its IncidentTransition, the
// outbox the alert planner reads; a resolve guarded by resolvedAt IS NULL writes nothing when it lost
// a race), for any number of projects at once: one statement per kind of action.
import type pg from "pg";
import { newId } from "../store/ids.ts";
import type { AsyncIncidentSweepWrites } from "../store/sweep-store.ts";
import type { IncidentAction } from "./sweep-actions.ts";
import { inTransaction } from "../store/postgres/sweep-transaction.ts";

/** The same rows as sweep-sql.ts INCIDENT_SWEEP_SQL (SQLite). */
export const PG_INCIDENT_SWEEP_SQL = {
  // Each opened incident with its "opened" transition, in one statement.
  open: `WITH opened AS (
      INSERT INTO "Incident" (id, "projectId", "databaseId", kind, reason, "openedAt")
      SELECT v.id, v.pid, v.did, v.kind::"IncidentKind", v.reason, v.at
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamp(3)[]) AS v(id, pid, did, kind, reason, at)
      RETURNING id, "projectId", "openedAt")
    INSERT INTO "IncidentTransition" ("incidentId", "projectId", event, at) SELECT id, "projectId", 'opened', "openedAt" FROM opened`,
  reason: `UPDATE "Incident" i SET reason = v.reason FROM unnest($1::text[], $2::text[]) AS v(id, reason) WHERE i.id = v.id`,
  cleared: `UPDATE "Incident" i SET "clearedAt" = v.at FROM unnest($1::text[], $2::timestamp(3)[]) AS v(id, at) WHERE i.id = v.id`,
  // Guarded by "resolvedAt" IS NULL: a resolve that lost a race writes neither the time nor a transition.
  resolve: `WITH resolved AS (
      UPDATE "Incident" i SET "resolvedAt" = v.at FROM unnest($1::text[], $2::timestamp(3)[]) AS v(id, at)
      WHERE i.id = v.id AND i."resolvedAt" IS NULL RETURNING i.id, i."projectId", i."resolvedAt")
    INSERT INTO "IncidentTransition" ("incidentId", "projectId", event, at) SELECT id, "projectId", 'resolved', "resolvedAt" FROM resolved`,
} as const;

const SQL = PG_INCIDENT_SWEEP_SQL;

/** One project's planned actions (freshness/incident-plan.ts). */
export interface ProjectActions {
  projectId: string;
  actions: IncidentAction[];
}

/** The statements' parameters (one array per column) for these projects' actions at `now`. Pure, but for new ids. */
export function incidentColumns(items: ProjectActions[], now: Date) {
  const at = now.toISOString();
  const open: (string | null)[][] = [[], [], [], [], [], []];
  const reason: string[][] = [[], []];
  const cleared: (string | null)[][] = [[], []];
  const resolve: string[][] = [[], []];
  for (const { projectId, actions } of items) {
    for (const action of actions) {
      switch (action.type) {
        case "open":
          [newId(now.getTime()), projectId, action.key.databaseId, action.key.kind, action.reason, at].forEach((v, i) => open[i].push(v));
          break;
        case "update":
          if (action.reason !== undefined) (reason[0].push(action.id), reason[1].push(action.reason));
          if (action.clearedAt !== undefined) (cleared[0].push(action.id), cleared[1].push(action.clearedAt ? action.clearedAt.toISOString() : null));
          break;
        case "resolve":
          resolve[0].push(action.id);
          resolve[1].push(action.at.toISOString());
          break;
      }
    }
  }
  return { open, reason, cleared, resolve };
}

export class PostgresIncidentSweepWrites implements AsyncIncidentSweepWrites {
  constructor(private readonly pool: pg.Pool) {}

  /** One project's actions in their own transaction. */
  apply(projectId: string, actions: IncidentAction[], now: Date): Promise<void> {
    return inTransaction(this.pool, (client) => applyIncidents(client, [{ projectId, actions }], now));
  }
}

/**
 * Writes these projects' actions at `now` on the caller's transaction: openings, rewordings, clears,
 * then resolves. Within one plan each incident has at most one action and each key at most one
 * opening (incident-plan.ts), so grouping by kind writes the same rows as SQLite's in-order apply.
 */
export async function applyIncidents(client: pg.PoolClient, items: ProjectActions[], now: Date): Promise<void> {
  const c = incidentColumns(items, now);
  if (c.open[0].length > 0) await client.query(SQL.open, c.open);
  if (c.reason[0].length > 0) await client.query(SQL.reason, c.reason);
  if (c.cleared[0].length > 0) await client.query(SQL.cleared, c.cleared);
  if (c.resolve[0].length > 0) await client.query(SQL.resolve, c.resolve);
}
