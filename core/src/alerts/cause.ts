// One cause, one alert. A database whose Litestream stops (process alive,
// replica no longer moving) first crosses its stale threshold by the core's
// clock, then the agent's next heartbeat names the cause (error: the replica
// position has not moved). Told as it happened, that is STALE, ERROR, and a
// stale RESOLVED that only says "now in error": three messages for one cause.
// Two pure decisions make it one:
//
//   staleAwaitsHeartbeat: a stale verdict the core reached from its own clock
//     (the threshold was crossed after the last heartbeat) is not announced
//     until a heartbeat received after the crossing confirms it; that
//     heartbeat either still says stale, or names the error that took over.
//   supersedingError: a stale incident that gave way to an error on the same
//     database is never told on its own again (no opened, missed or resolved):
//     the error's messages carry the story.
//   endedInSilence: a stale incident never announced that ended while its
//     project was silent (or overlapping the silence) was the core's clock
//     judging a replica nobody could report on: the silence's messages carry
//     the story, and no "resolved, not announced while open" follows.

export interface IncidentRef {
  id: string;
  projectId: string;
  databaseId: string | null;
  kind: string;
  openedAt: Date;
  resolvedAt: Date | null;
  clearedAt: Date | null;
}

/**
 * The error incident of the same project and database that took `stale` over: opened between the
 * stale incident's opening and when its condition went away (inclusive: the sweep that clears the stale
 * condition opens the error with the same time). Null when there is none, when the stale condition has
 * not gone away, or when `stale` is not a database's stale incident.
 */
export function supersedingError(stale: IncidentRef, others: IncidentRef[]): IncidentRef | null {
  if (stale.kind !== "stale" || !stale.databaseId) return null;
  // Only a stale condition that went away can have been taken over.
  const ended = stale.clearedAt ?? stale.resolvedAt;
  if (!ended) return null;
  const end = ended.getTime();
  return (
    others.find(
      (o) =>
        o.kind === "error" &&
        o.id !== stale.id &&
        o.projectId === stale.projectId &&
        o.databaseId === stale.databaseId &&
        o.openedAt.getTime() >= stale.openedAt.getTime() &&
        o.openedAt.getTime() <= end,
    ) ?? null
  );
}

/**
 * The project's silent incident that a never-announced stale incident ended within or overlapped: a
 * database-level stale incident that has ended (resolved or cleared) and whose time open [openedAt, end]
 * overlaps a silent incident of the same project [openedAt, resolvedAt ?? now]. Null otherwise, and for a
 * stale incident still open (the heartbeat after the silence confirms or clears it, staleAwaitsHeartbeat).
 */
export function endedInSilence(stale: IncidentRef, others: IncidentRef[], now: Date): IncidentRef | null {
  if (stale.kind !== "stale" || !stale.databaseId) return null;
  const ended = stale.clearedAt ?? stale.resolvedAt;
  if (!ended) return null;
  return (
    others.find(
      (o) =>
        o.kind === "silent" &&
        o.projectId === stale.projectId &&
        o.databaseId === null &&
        o.openedAt.getTime() <= ended.getTime() &&
        (o.resolvedAt ?? now).getTime() >= stale.openedAt.getTime(),
    ) ?? null
  );
}

export interface StaleEvidence {
  /** The project's last heartbeat (core clock); null when none came. */
  lastHeartbeatAt: Date | null;
  /** When the stale incident opened: the sweep that saw the threshold crossed (core clock). */
  openedAt: Date;
  /** The oldest unreplicated change the database's replicas report now; null when none waits. */
  pendingSince: Date | null;
  staleAfterSeconds: number;
}

/**
 * True while a stale incident must wait for the agent: no report yet says whether the replica is merely
 * slow or Litestream is stuck. A heartbeat confirms the stale verdict when it came at or after the
 * incident's opening + AGENT_SAMPLE_MARGIN_MS (the bound: the wait never outlasts the next heartbeat), or
 * when it reported a change already older than the threshold (+ the margin) itself. The second test alone
 * is not enough: an agent that restarts a stuck Litestream reports a new pendingSince, and a crossing
 * computed from it keeps moving into the future. False when no heartbeat ever came (nothing to wait for).
 */
export function staleAwaitsHeartbeat(e: StaleEvidence): boolean {
  if (!e.lastHeartbeatAt) return false;
  const heard = e.lastHeartbeatAt.getTime();
  if (heard >= e.openedAt.getTime() + AGENT_SAMPLE_MARGIN_MS) return false;
  if (e.pendingSince && heard >= e.pendingSince.getTime() + e.staleAfterSeconds * 1000 + AGENT_SAMPLE_MARGIN_MS) return false;
  return true;
}

/**
 * The agent judges "stuck" at its samples (every 5 s at most by default, BORELA_SAMPLE_INTERVAL_SECONDS):
 * with a stuck window equal to the stale threshold (60 s each in the demo) it names the error up to one
 * sample after the core's clock crossed the threshold, so only a heartbeat that much later confirms a stale.
 */
const AGENT_SAMPLE_MARGIN_MS = 5_000;
