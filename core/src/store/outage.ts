// One store outage as a timer or the request path sees it: when it began, why, and when it ends. Pure, so
// each observer logs one line when an outage begins and one when it ends, never one per failed attempt.
//
//   nextOutage(current, event, now): OutageStep
//     current: the outage in progress or null; event: {ok: true} (the store answered) or {ok: false, reason}
//     began: true when this event starts an outage; endedAfterSeconds: set when this event ends one (whole s)
//   createOutageLog(log, what): OutageLog      a timer's shell over it: ok() after a pass, failed(err) on an error
import { unreachableReason } from "./unreachable.ts";

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

/** What a timer family (alert dispatch, drill queue, freshness sweep) calls after each pass. */
export interface OutageLog {
  /** The pass reached the store: ends an outage in progress (one line). */
  ok(): void;
  /** True when `err` means the store cannot be reached (unreachable.ts), logged once per outage; false for any other error, which the caller logs. */
  failed(err: unknown): boolean;
}

/** One warn line "<what> paused: the store cannot be reached (reason)" per outage, one "<what> resumed … after N s". */
export function createOutageLog(log: { warn(obj: object, msg?: string): void }, what: string, now: () => Date = () => new Date()): OutageLog {
  let outage: Outage | null = null;
  const note = (event: OutageEvent) => {
    const step = nextOutage(outage, event, now());
    outage = step.outage;
    if (step.began) log.warn({ reason: step.outage?.reason }, `${what} paused: the store cannot be reached (${step.outage?.reason})`);
    if (step.endedAfterSeconds !== null) log.warn({ outageSeconds: step.endedAfterSeconds }, `${what} resumed: the store answers again after ${step.endedAfterSeconds} s`);
  };
  return {
    ok: () => note({ ok: true }),
    failed(err) {
      const reason = unreachableReason(err);
      if (reason) note({ ok: false, reason });
      return reason !== null;
    },
  };
}
