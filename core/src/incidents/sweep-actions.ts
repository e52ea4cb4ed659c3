// What a freshness sweep decides about incidents (freshness/incident-plan.ts
// plans them from a verdict): open, reword or clear/un-clear, resolve.
// sweep-sql.ts applies them.
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
