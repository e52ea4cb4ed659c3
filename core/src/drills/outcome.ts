// A finished drill's outcome, recorded: the Drill row, the drills-finished counter, and the drill_failed
// incident opened or resolved (drill_overdue resolved by a pass).
import type { Store } from "../store/db.ts";
import { openIncident, resolveIncident } from "../incidents/open-resolve.ts";
import { countDrillFinished } from "../metrics/counters.ts";
import { couldNotRun, drillReason } from "../incidents/drill-reasons.ts";
import type { DrillReport, DrillStatus } from "./report.ts";

export interface Outcome {
  status: Exclude<DrillStatus, "queued" | "running">;
  report: DrillReport;
}

/**
 * Records the outcome on the Drill row and opens or resolves the drill_failed incident. A drill in error (it
 * could not run: storage unreachable after its attempts, no disk, no Litestream) opens it too, saying so: no
 * verdict on the backup, but no proof either, and nothing else would say so before the drill is overdue (a week
 * and its grace on the default schedule; a tester's MinIO resetting every read of a damaged file went unheard).
 */
export async function recordOutcome(store: Store, drillId: string, outcome: Outcome, now = new Date()): Promise<void> {
  const drill = await store.drill.update({
    where: { id: drillId },
    data: { status: outcome.status, finishedAt: now, leaseUntil: null, report: JSON.stringify(outcome.report), error: outcome.report.error ?? null },
  });
  countDrillFinished(outcome.status);
  const key = { projectId: drill.projectId, databaseId: drill.databaseId, kind: "drill_failed" as const };
  if (outcome.status === "passed") {
    await resolveIncident(store, key, now);
    await resolveIncident(store, { projectId: drill.projectId, kind: "drill_overdue" }, now);
  } else if (outcome.status === "failed") {
    // A failure while "could not run" is open is news of its own: that one ends, this one is announced.
    const open = await openReason(store, key);
    if (open !== null && couldNotRun(open)) await resolveIncident(store, key, now);
    await openIncident(store, { ...key, reason: drillReason("failed", outcome.report.database, outcome.report.error ?? "see the report") }, now);
  } else if (outcome.status === "error") {
    // A drill that could not run says nothing of the backup: an open failure's verdict stands (a tester saw it overwritten).
    const open = await openReason(store, key);
    if (open !== null && !couldNotRun(open)) return;
    await openIncident(store, { ...key, reason: drillReason("error", outcome.report.database, outcome.report.error ?? "see the report") }, now);
  }
}

/** The reason of the open drill_failed incident of `key`, or null when none is open. */
async function openReason(store: Store, key: { projectId: string; databaseId: string | null; kind: "drill_failed" }): Promise<string | null> {
  return (await store.incident.findFirst({ where: { ...key, resolvedAt: null }, select: { reason: true } }))?.reason ?? null;
}
