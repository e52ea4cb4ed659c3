// Pure decisions: which incidents a sweep opens, updates, clears or resolves.
// One incident per condition (project, database, kind): a reason whose wording
// changes updates the open incident; a condition that goes away is only
// "cleared" at first, and resolves once it has stayed away for its hold (the
// kind's alert confirmation delay), so a flicker back within the hold keeps
// the same incident instead of opening a second one.
import type { Verdict } from "./status.ts";
import type { SweptKind } from "../incidents/kinds.ts";
import type { ConditionKey, IncidentAction } from "../incidents/sweep-actions.ts";

export interface Condition extends ConditionKey {
  reason: string;
}

/** What one sweep knows: the keys it can judge, and which of them hold now (with their reason). */
export interface SweepConditions {
  decided: ConditionKey[];
  present: Condition[];
}

export interface OpenIncident extends ConditionKey {
  id: string;
  reason: string;
  clearedAt: Date | null;
}

/**
 * The conditions a project verdict implies. A silent project decides only its
 * silence (what its databases do is unknown); a database that is `unknown` or
 * `silent` decides nothing about its own stale/error incidents.
 * `heardFrom`: the project has received at least one heartbeat.
 */
export function conditionsOf(
  verdict: Verdict & { databases: Verdict[] },
  databaseIds: string[],
  heardFrom: boolean,
): SweepConditions {
  const decided: ConditionKey[] = [];
  const present: Condition[] = [];
  const judge = (key: ConditionKey, holds: boolean, reasons: string[]) => {
    decided.push(key);
    if (holds) present.push({ ...key, reason: reasons.join("; ") });
  };
  const silent = verdict.status === "silent";
  if (silent || heardFrom) judge({ databaseId: null, kind: "silent" }, silent, verdict.reasons);
  if (silent) return { decided, present };
  judge({ databaseId: null, kind: "error" }, verdict.status === "error" && databaseIds.length === 0, verdict.reasons);
  // A project without databases (agentless.ts: no agent) turns stale on its own storage listing.
  if (databaseIds.length === 0) judge({ databaseId: null, kind: "stale" }, verdict.status === "stale", verdict.reasons);
  for (const [i, databaseId] of databaseIds.entries()) {
    const v = verdict.databases[i];
    if (v.status !== "fresh" && v.status !== "stale" && v.status !== "error") continue;
    for (const kind of ["stale", "error"] as const) judge({ databaseId, kind }, v.status === kind, v.reasons);
  }
  return { decided, present };
}

const sameKey = (a: ConditionKey, b: ConditionKey) => a.databaseId === b.databaseId && a.kind === b.kind;

/**
 * `holdSeconds(kind)`: how long a condition must stay away before its incident
 * resolves (0: at once). A resolved incident's time is when the condition went
 * away, not when the hold ran out.
 */
export function planIncidents(
  open: OpenIncident[],
  conditions: SweepConditions,
  now: Date,
  holdSeconds: (kind: SweptKind) => number,
): IncidentAction[] {
  const actions: IncidentAction[] = [];
  for (const key of conditions.decided) {
    const incident = open.find((o) => sameKey(o, key));
    const present = conditions.present.find((c) => sameKey(c, key));
    if (present) {
      if (!incident) {
        actions.push({ type: "open", key, reason: present.reason });
        continue;
      }
      const update: Extract<IncidentAction, { type: "update" }> = { type: "update", id: incident.id };
      if (incident.reason !== present.reason) update.reason = present.reason;
      if (incident.clearedAt) update.clearedAt = null;
      if (update.reason !== undefined || update.clearedAt !== undefined) actions.push(update);
      continue;
    }
    if (!incident) continue;
    const holdMs = holdSeconds(key.kind) * 1000;
    const clearedAt = incident.clearedAt ?? now;
    if (now.getTime() - clearedAt.getTime() >= holdMs) actions.push({ type: "resolve", id: incident.id, at: clearedAt });
    else if (!incident.clearedAt) actions.push({ type: "update", id: incident.id, clearedAt: now });
  }
  return actions;
}
