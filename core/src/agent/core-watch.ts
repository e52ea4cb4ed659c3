// The agent's watch on the core (issue 20, "who watches the watcher"): heartbeats that reach no core
// are judged by nobody, so an agent whose core stays unreachable longer than the grace says so loudly:
// one error line per streak, a reminder every REMIND_EVERY_MS, and a mark in the status file; one info
// line when the core answers again. The grace is the project's heartbeat grace as the core's answer to the
// last accepted heartbeat named it; until one did (an agent started while its core is down, an older core),
// GRACE_INTERVALS heartbeat intervals: 120 s at the default 30 s, the core's default grace.
//
//   coreWatchStep(state, outcome, nowMs, graceMs, remindEveryMs): CoreWatchStep     pure
//   new CoreWatch(log, graceMs: () => number, server): observe(outcome, now): UnreachableMark | null
import type { AgentLog } from "./log.ts";

export const GRACE_INTERVALS = 4;
export const REMIND_EVERY_MS = 10 * 60_000;

/** One flush's answer as the watch sees it: the core answered (even with a refusal), did not, or nothing was sent. */
export type CoreOutcome = "reachable" | "unreachable" | "unknown";

export interface CoreWatchState {
  /** When the current streak of unreachable answers began (ms since epoch); null while reachable. */
  sinceMs: number | null;
  /** When the streak was last logged loudly (ms); null before its first loud line. */
  loudAtMs: number | null;
}

export interface CoreWatchStep {
  state: CoreWatchState;
  /** What to log now: the streak's loud line, a reminder, the all-clear, or nothing. */
  log: "none" | "loud" | "reminder" | "back";
  /** Seconds the core has been unreachable, rounded up (0 while reachable). */
  unreachableSeconds: number;
  /** The core has been unreachable longer than the grace: the status file carries the mark. */
  marked: boolean;
}

export const REACHABLE: CoreWatchState = { sinceMs: null, loudAtMs: null };

export function coreWatchStep(state: CoreWatchState, outcome: CoreOutcome, nowMs: number, graceMs: number, remindEveryMs = REMIND_EVERY_MS): CoreWatchStep {
  if (outcome === "reachable") {
    return { state: REACHABLE, log: state.loudAtMs !== null ? "back" : "none", unreachableSeconds: 0, marked: false };
  }
  if (outcome === "unknown" && state.sinceMs === null) return { state, log: "none", unreachableSeconds: 0, marked: false };
  const sinceMs = state.sinceMs ?? nowMs;
  const forMs = Math.max(0, nowMs - sinceMs);
  const unreachableSeconds = Math.ceil(forMs / 1000);
  if (forMs <= graceMs) return { state: { sinceMs, loudAtMs: null }, log: "none", unreachableSeconds, marked: false };
  if (state.loudAtMs === null) return { state: { sinceMs, loudAtMs: nowMs }, log: "loud", unreachableSeconds, marked: true };
  if (nowMs - state.loudAtMs >= remindEveryMs) return { state: { sinceMs, loudAtMs: nowMs }, log: "reminder", unreachableSeconds, marked: true };
  return { state: { sinceMs, loudAtMs: state.loudAtMs }, log: "none", unreachableSeconds, marked: true };
}

/** What the status file says once the core has been unreachable longer than the grace. */
export interface UnreachableMark {
  since: Date;
  seconds: number;
  graceSeconds: number;
}

export class CoreWatch {
  private state: CoreWatchState = REACHABLE;

  constructor(
    private readonly log: AgentLog,
    private readonly graceMs: () => number,
    private readonly server: string,
  ) {}

  /** Takes one flush's outcome at `now`, logs what the step says, and returns the status file's mark (null: none). */
  observe(outcome: CoreOutcome, now: Date): UnreachableMark | null {
    const graceMs = this.graceMs();
    const step = coreWatchStep(this.state, outcome, now.getTime(), graceMs);
    const since = this.state.sinceMs ?? step.state.sinceMs;
    this.state = step.state;
    const graceSeconds = Math.round(graceMs / 1000);
    const fields = { server: this.server, unreachableSeconds: step.unreachableSeconds, graceSeconds };
    if (step.log === "loud") {
      this.log.error(`core unreachable for ${step.unreachableSeconds} s, past the grace of ${graceSeconds} s: no heartbeat reaches Borela, so nothing judges these backups and no alert can go out (Litestream keeps replicating)`, fields);
    } else if (step.log === "reminder") {
      this.log.error(`core still unreachable after ${Math.round(step.unreachableSeconds / 60)} min: heartbeats are queued, nothing judges these backups`, fields);
    } else if (step.log === "back") {
      this.log.info(`core reachable again after ${Math.round((now.getTime() - (since ?? now.getTime())) / 1000)} s unreachable`, { server: this.server });
    }
    return step.marked && since !== null ? { since: new Date(since), seconds: step.unreachableSeconds, graceSeconds } : null;
  }
}
