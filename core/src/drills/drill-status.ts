// The second answer beside a project's freshness `status`: can it restore?
// Pure: from the project's open drill incidents and each database's last
// finished drill.

/** passed: the last drill of every drilled database passed and none is overdue; none: never drilled. */
export type DrillStatus = "passed" | "failed" | "overdue" | "none";

export const DRILL_STATUSES: readonly DrillStatus[] = ["failed", "overdue", "none", "passed"];

/**
 * openKinds: kinds of the project's open incidents (only drill_failed and drill_overdue matter).
 * lastPerDatabase: status of each database's last finished drill ("passed" | "failed" | "error").
 * A drill that ended in error (the core could not run it) proves no restore either: it counts as failed.
 */
export function drillStatus(openKinds: readonly string[], lastPerDatabase: readonly string[]): DrillStatus {
  if (openKinds.includes("drill_failed") || lastPerDatabase.some((s) => s === "failed" || s === "error")) return "failed";
  if (openKinds.includes("drill_overdue")) return "overdue";
  if (lastPerDatabase.includes("passed")) return "passed";
  return "none";
}
