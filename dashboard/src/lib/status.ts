// Status names, their order (worst first) and what they mean in words.
export type Status = "fresh" | "stale" | "silent" | "error" | "unknown";
export type DrillStatus = "queued" | "running" | "passed" | "failed" | "error";

// The same order as the core's severity (core/src/freshness/status.ts).
const RANK: Record<string, number> = { silent: 0, error: 1, stale: 2, unknown: 3, fresh: 4 };

export const STATUS_HELP: Record<string, string> = {
  fresh: "the backup has caught up with the database",
  stale: "changes stayed un-replicated longer than the threshold",
  silent: "no heartbeat from the agent within its grace",
  error: "the agent reports an error",
  unknown: "no heartbeat received yet",
};

/** Lower is worse: a failed last drill counts as failing even when the backup is fresh. */
export function urgency(p: { status: string; lastDrill: { status: string } | null }): number {
  const drillFailed = p.lastDrill && (p.lastDrill.status === "failed" || p.lastDrill.status === "error");
  return (RANK[p.status] ?? 3) * 2 + (drillFailed ? 0 : 1);
}

export const drillFinished = (status: string) => status !== "queued" && status !== "running";
