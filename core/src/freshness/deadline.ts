// When a project must next be evaluated although nothing was reported: the
// earliest moment the clock alone could change its verdict or its incidents
// (healthchecks.io keeps `alert_after` per check the same way). A sweep reads
// only the projects whose deadline passed (store/sweep-reads.ts `due`); a
// heartbeat, ping or settings change clears the deadline (SQL triggers) and the
// project is evaluated at once.
import type { SweptKind } from "../incidents/kinds.ts";
import type { IncidentAction } from "../incidents/sweep-actions.ts";
import type { OpenIncident } from "./incident-plan.ts";
import { pingSilentAfterSeconds } from "./agentless.ts";

/** Every project is looked at at least this often, whatever its deadlines (a backstop, not a schedule). */
export const MAX_SWEEP_GAP_MS = 60 * 60 * 1000;

export interface DeadlineInput {
  staleAfterSeconds: number;
  heartbeatGraceSeconds: number;
  lastHeartbeatAt: Date | null;
  lastPingAt?: Date | null;
  databases: { lastHeartbeatAt: Date | null; replicas: { pendingSince: Date | null }[] }[];
}

/**
 * The next deadline after `now` (ms precision): a silence begins 1 ms after last heartbeat + grace (last
 * Litestream ping + one ping interval + grace, agentless.ts), for the project and for each database; a replica's change turns stale 1 ms after pendingSince +
 * threshold; a cleared incident resolves at clearedAt + its hold (`actions`: this sweep's plan, applied to
 * `open`); the grace after the watcher regained sight (watching-since.ts) ends at `graceEndsAt`. At most MAX_SWEEP_GAP_MS after `now`.
 */
export function nextSweepAt(
  p: DeadlineInput,
  open: OpenIncident[],
  actions: IncidentAction[],
  now: Date,
  holdSeconds: (kind: SweptKind) => number,
  graceEndsAt: Date | null = null,
): Date {
  const grace = p.heartbeatGraceSeconds * 1000;
  const candidates: number[] = [now.getTime() + MAX_SWEEP_GAP_MS];
  const after = (t: Date | null | undefined, ms: number) => {
    if (t) candidates.push(t.getTime() + ms + 1);
  };
  after(p.lastHeartbeatAt, grace);
  after(p.lastPingAt, pingSilentAfterSeconds(p.heartbeatGraceSeconds) * 1000);
  if (graceEndsAt) candidates.push(graceEndsAt.getTime());
  for (const d of p.databases) {
    after(d.lastHeartbeatAt, grace);
    for (const r of d.replicas) after(r.pendingSince, p.staleAfterSeconds * 1000);
  }
  for (const incident of open) {
    if (actions.some((a) => a.type === "resolve" && a.id === incident.id)) continue;
    const update = actions.find((a): a is Extract<IncidentAction, { type: "update" }> => a.type === "update" && a.id === incident.id);
    const clearedAt = update?.clearedAt !== undefined ? update.clearedAt : incident.clearedAt;
    if (clearedAt) candidates.push(clearedAt.getTime() + holdSeconds(incident.kind) * 1000);
  }
  const future = candidates.filter((t) => t > now.getTime());
  return new Date(Math.min(...future));
}
