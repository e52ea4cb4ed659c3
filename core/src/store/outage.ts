// One store outage as a timer or the request path sees it: when it began, why, and when it ends. Pure, so
// each observer logs one line when an outage begins and one when it ends, never one per failed attempt.
//
//   nextOutage(current, event, now): OutageStep
//     current: the outage in progress or null; event: {ok: true} (the store answered) or {ok: false, reason}
//     began: true when this event starts an outage; endedAfterSeconds: set when this event ends one (whole s)
//   createOutageLog(log, what): OutageLog      a timer's shell over it: ok() after a pass, failed(err) on an error,
//                                             or settle(pass, message) for both (other errors: one error line each)
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
  /** Waits for a pass: ok() when it resolves; on rejection failed(err), and any other error is logged at error level with `message`. Never rejects. */
  settle(pass: Promise<unknown>, message: string): Promise<void>;
}

/** One warn line "<what> paused: the store cannot be reached (reason)" per outage, one "<what> resumed … after N s". */
export function createOutageLog(log: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void }, what: string, now: () => Date = () => new Date()): OutageLog {
  let outage: Outage | null = null;
  const note = (event: OutageEvent) => {
    const step = nextOutage(outage, event, now());
    outage = step.outage;
    if (step.began) log.warn({ reason: step.outage?.reason }, `${what} paused: the store cannot be reached (${step.outage?.reason})`);
    if (step.endedAfterSeconds !== null) log.warn({ outageSeconds: step.endedAfterSeconds }, `${what} resumed: the store answers again after ${step.endedAfterSeconds} s`);
  };
  const failed = (err: unknown): boolean => {
    const reason = unreachableReason(err);
    if (reason) note({ ok: false, reason });
    return reason !== null;
  };
  return {
    ok: () => note({ ok: true }),
    failed,
    settle: (pass, message) =>
      pass.then(
        () => note({ ok: true }),
        (err: unknown) => {
          if (!failed(err)) log.error({ err }, message);
        },
      ),
  };
}
