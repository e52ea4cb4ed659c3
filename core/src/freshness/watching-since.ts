// A core that was down heard no heartbeat, through no fault of the agent. Like
// healthchecks.io after its own downtime, the sweeper gives every project a
// fresh grace measured from the core's start before it judges anything from
// what the project last said: a project last heard from before the start is
// left as it was until a heartbeat (or ping) arrives or that grace runs out.
// A real silence after a restart is still found, one grace later, and its
// duration still runs from the last heartbeat.

export interface LastSignal {
  lastHeartbeatAt: Date | null;
  lastPingAt?: Date | null;
  heartbeatGraceSeconds: number;
}

/**
 * True while the project must not be judged: it was heard from (heartbeat or ping) before the core
 * started at `startedAt`, nothing since, and `now` is within its heartbeat grace of that start.
 * A project never heard from is judged as usual (there is no silence to excuse).
 */
export function inStartupGrace(p: LastSignal, startedAt: Date, now: Date): boolean {
  const times = [p.lastHeartbeatAt, p.lastPingAt ?? null].filter((t): t is Date => t !== null);
  if (times.length === 0) return false;
  const last = Math.max(...times.map((t) => t.getTime()));
  if (last >= startedAt.getTime()) return false;
  return now.getTime() - startedAt.getTime() <= p.heartbeatGraceSeconds * 1000;
}

/**
 * When a database was last heard from, as the silence check should see it after the core's start: a
 * database's time is when its report was sent, so heartbeats the agent queued while the core was down
 * and sends on its return carry times from the downtime. While `now` is within `graceSeconds` of
 * `startedAt`, a time before the start counts as the start; afterwards (a real silence) the time itself.
 */
export function heardFromForJudging(lastHeartbeatAt: Date | null, startedAt: Date, graceSeconds: number, now: Date): Date | null {
  if (!lastHeartbeatAt || lastHeartbeatAt.getTime() >= startedAt.getTime()) return lastHeartbeatAt;
  return now.getTime() - startedAt.getTime() <= graceSeconds * 1000 ? startedAt : lastHeartbeatAt;
}
