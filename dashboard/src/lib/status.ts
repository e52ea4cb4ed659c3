// Status names, their order (worst first) and what they mean in words.
import type { Status } from "../../../core/src/freshness/severity.ts";
// The list's order is the core's (the API sorts by it); re-exported, not copied.
export { urgency } from "../../../core/src/server/project-order.ts";

export type { Status };
export type DrillStatus = "queued" | "running" | "passed" | "failed" | "error";

export const STATUS_HELP: Record<string, string> = {
  fresh: "the backup has caught up with the database",
  stale: "changes stayed un-replicated longer than the threshold",
  silent: "no heartbeat from the agent within its grace",
  error: "the agent reports an error",
  unknown: "no heartbeat received yet",
  paused: "alerts are held until the pause ends; status and incidents are still recorded",
};

export const DRILL_HELP: Record<string, string> = {
  passed: "the last drill of every database restored and passed its checks",
  failed: "a drill failed: the backup may not restore",
  overdue: "no passing drill within the schedule and its grace",
  none: "never drilled yet",
};

/** The words shown for a project's drillStatus. */
export const DRILL_WORDS: Record<string, string> = { passed: "drill passed", failed: "drill failed", overdue: "drill overdue", none: "not drilled" };

export const drillFinished = (status: string) => status !== "queued" && status !== "running";
