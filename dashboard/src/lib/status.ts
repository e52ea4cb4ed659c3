// Status names, their order (worst first) and what they mean in words.
import { SEVERITY, type Status } from "../../../core/src/freshness/severity.ts";

export type { Status };
export type DrillStatus = "queued" | "running" | "passed" | "failed" | "error";

// The core's severity turned around, so lower is worse: silent 0, error 1, stale 2, unknown 3, fresh 4.
const RANK: Record<string, number> = Object.fromEntries(Object.entries(SEVERITY).map(([s, n]) => [s, SEVERITY.silent - n]));

export const STATUS_HELP: Record<string, string> = {
  fresh: "the backup has caught up with the database",
  stale: "changes stayed un-replicated longer than the threshold",
  silent: "no heartbeat from the agent within its grace",
  error: "the agent reports an error",
  unknown: "no heartbeat received yet",
};

// Where a drill status sits on the same scale, each just after its freshness peer: a failed drill after
// an agent error, an overdue drill after a stale backup (changes at risk now), never drilled after unknown.
const DRILL_RANK: Record<string, number> = { failed: 1.5, overdue: 2.5, none: 3.5, passed: 4 };

export const DRILL_HELP: Record<string, string> = {
  passed: "the last drill of every database restored and passed its checks",
  failed: "a drill failed: the backup may not restore",
  overdue: "no passing drill within the schedule and its grace",
  none: "never drilled yet",
};

/** The words shown for a project's drillStatus. */
export const DRILL_WORDS: Record<string, string> = { passed: "drill passed", failed: "drill failed", overdue: "drill overdue", none: "not drilled" };

/** Lower is worse: the worse of the two answers first, then the other one. */
export function urgency(p: { status: string; drillStatus: string }): number {
  const a = RANK[p.status] ?? 3;
  const b = DRILL_RANK[p.drillStatus] ?? 3;
  return Math.min(a, b) * 10 + Math.max(a, b);
}

export const drillFinished = (status: string) => status !== "queued" && status !== "running";
