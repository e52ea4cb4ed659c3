// One store outage as a timer or the request path sees it: when it began, why, and when it ends. Pure, so
// each observer logs one line when an outage begins and one when it ends, never one per failed attempt.
//
//   nextOutage(current, event, now): OutageStep
//     current: the outage in progress or null; event: {ok: true} (the store answered) or {ok: false, reason}
//     began: true when this event starts an outage; endedAfterSeconds: set when this event ends one (whole s)

export interface Outage {
  since: Date;
  /** The latest failure's reason (unreachable.ts). */
  reason: string;
}

export type OutageEvent = { ok: true } | { ok: false; reason: string };

export interface OutageStep {
  outage: Outage | null;
  began: boolean;
  endedAfterSeconds: number | null;
}

export function nextOutage(current: Outage | null, event: OutageEvent, now: Date): OutageStep {
  if (event.ok) {
    if (!current) return { outage: null, began: false, endedAfterSeconds: null };
    return { outage: null, began: false, endedAfterSeconds: Math.max(0, Math.round((now.getTime() - current.since.getTime()) / 1000)) };
  }
  if (current) return { outage: { since: current.since, reason: event.reason }, began: false, endedAfterSeconds: null };
  return { outage: { since: now, reason: event.reason }, began: true, endedAfterSeconds: null };
}
