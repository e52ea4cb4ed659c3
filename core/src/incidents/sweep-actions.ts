// Applies what a freshness sweep decided about incidents (freshness/incident-plan.ts
// plans them from a verdict): open, reword or clear/un-clear, resolve.
import { openIncident, resolveIncidentById, type IncidentStore } from "./open-resolve.ts";
import type { SweptKind } from "./kinds.ts";

/** One condition of a project: the project itself (databaseId null) or one database, and a kind. */
export interface ConditionKey {
  databaseId: string | null;
  kind: SweptKind;
}

export type IncidentAction =
  | { type: "open"; key: ConditionKey; reason: string }
  /** `clearedAt`: when the condition went away (the incident resolves once it stays away for its hold); null: it came back. */
  | { type: "update"; id: string; reason?: string; clearedAt?: Date | null }
  /** `at`: when the condition went away, not when the hold ran out. */
  | { type: "resolve"; id: string; at: Date };

/** Applies one project's actions in order, at `now`. */
export async function applyIncidentActions(store: IncidentStore, projectId: string, actions: IncidentAction[], now: Date): Promise<void> {
  for (const action of actions) {
    switch (action.type) {
      case "open":
        await openIncident(store, { projectId, databaseId: action.key.databaseId, kind: action.key.kind, reason: action.reason }, now);
        break;
      case "update":
        await store.incident.update({
          where: { id: action.id },
          data: { ...(action.reason !== undefined ? { reason: action.reason } : {}), ...(action.clearedAt !== undefined ? { clearedAt: action.clearedAt } : {}) },
        });
        break;
      case "resolve":
        // Guarded: another process may have resolved it meanwhile.
        await resolveIncidentById(store, projectId, action.id, action.at);
        break;
    }
  }
}
