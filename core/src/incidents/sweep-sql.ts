// The freshness sweep's incident writes as raw SQL on the fast connection, so
// that a batch of projects (a mass silence: thousands of openings) is one
// synchronous SQLite transaction instead of thousands of awaited Prisma calls.
// Same rows as open-resolve.ts writes: each opening and each resolve writes its
// IncidentTransition (the outbox the alert planner reads).
import type Sqlite from "better-sqlite3";
import { newId } from "../store/ids.ts";
import { storeTime } from "../store/time.ts";
import { prepareAll } from "../store/fast-sql.ts";
import type { IncidentAction } from "./sweep-actions.ts";

/** Checked against prisma/schema.prisma by test/store/fast-sql-schema.test.ts. */
export const INCIDENT_SWEEP_SQL = {
  open: `INSERT INTO Incident (id, projectId, databaseId, kind, reason, openedAt) VALUES (@id, @projectId, @databaseId, @kind, @reason, @at)`,
  reason: `UPDATE Incident SET reason = @reason WHERE id = @id`,
  cleared: `UPDATE Incident SET clearedAt = @clearedAt WHERE id = @id`,
  // Guarded by resolvedAt IS NULL: a resolve that lost a race writes neither the time nor a transition.
  resolve: `UPDATE Incident SET resolvedAt = @at WHERE id = @id AND resolvedAt IS NULL`,
  transition: `INSERT INTO IncidentTransition (incidentId, projectId, event, at) VALUES (@incidentId, @projectId, @event, @at)`,
} as const;

export class IncidentSweepWrites {
  private readonly stmts;

  constructor(db: Sqlite.Database) {
    this.stmts = prepareAll(db, INCIDENT_SWEEP_SQL);
  }

  /**
   * Applies one project's planned actions (freshness/incident-plan.ts) in order, at `now`; synchronous, for the
   * caller's transaction. The plan was made from the open incidents read in that same transaction, so "open"
   * finds none open for its key.
   */
  apply(projectId: string, actions: IncidentAction[], now: Date): void {
    const at = storeTime(now);
    for (const action of actions) {
      switch (action.type) {
        case "open": {
          const id = newId(now.getTime());
          this.stmts.open.run({ id, projectId, databaseId: action.key.databaseId, kind: action.key.kind, reason: action.reason, at });
          this.stmts.transition.run({ incidentId: id, projectId, event: "opened", at });
          break;
        }
        case "update":
          if (action.reason !== undefined) this.stmts.reason.run({ id: action.id, reason: action.reason });
          if (action.clearedAt !== undefined) this.stmts.cleared.run({ id: action.id, clearedAt: action.clearedAt ? storeTime(action.clearedAt) : null });
          break;
        case "resolve": {
          const resolvedAt = storeTime(action.at);
          if (this.stmts.resolve.run({ id: action.id, at: resolvedAt }).changes === 1) {
            this.stmts.transition.run({ incidentId: action.id, projectId, event: "resolved", at: resolvedAt });
          }
          break;
        }
      }
    }
  }
}
