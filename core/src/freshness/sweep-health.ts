// Pure: is the judging loop alive? A core whose HTTP server answers while no sweep completes hears
// heartbeats and judges nothing: the silence Borela exists to catch, in Borela itself (issue 20).
// /healthz answers 503 with the reason below once the last completed sweep (this process's or a
// peer's) is older than a few sweep intervals; until a first sweep completes, the start counts.
import { secondsBetween } from "../words/seconds.ts";

/** Sweep intervals without a completed sweep before the core calls itself unhealthy. */
export const STALE_AFTER_INTERVALS = 4;
/** The floor of the stale limit (s): a one-second interval must not make a long GC pause an outage. */
export const MIN_STALE_SECONDS = 10;

export interface SweepHealth {
  ok: boolean;
  /** ISO time of the last completed sweep, null when none completed yet. */
  lastSweepAt: string | null;
  /** Seconds without a completed sweep after which `ok` turns false. */
  staleAfterSeconds: number;
  /** Why not ok, naming the stale sweep; absent when ok. */
  reason?: string;
}

/** Seconds of stale-sweep tolerance for a sweep interval in seconds. */
export function staleAfterSeconds(intervalSeconds: number): number {
  return Math.max(MIN_STALE_SECONDS, STALE_AFTER_INTERVALS * intervalSeconds);
}

/**
 * `lastSweepAt`: the latest completed sweep (null: none yet); `startedAt`: when this core started;
 * `intervalSeconds`: BORELA_SWEEP_INTERVAL_SECONDS. Times in the future count as now (a peer's clock ahead).
 */
export function sweepHealth(lastSweepAt: Date | null, startedAt: Date, intervalSeconds: number, now: Date): SweepHealth {
  const limit = staleAfterSeconds(intervalSeconds);
  const since = lastSweepAt && lastSweepAt > startedAt ? lastSweepAt : startedAt;
  const ageSeconds = Math.max(0, Math.floor(secondsBetween(since, now)));
  const last = lastSweepAt ? lastSweepAt.toISOString() : null;
  if (ageSeconds <= limit) return { ok: true, lastSweepAt: last, staleAfterSeconds: limit };
  const reason = last
    ? `no freshness sweep completed for ${ageSeconds} s (last at ${last}; limit ${limit} s): the core answers but does not judge`
    : `no freshness sweep completed since the core started ${ageSeconds} s ago (limit ${limit} s): the core answers but does not judge`;
  return { ok: false, lastSweepAt: last, staleAfterSeconds: limit, reason };
}
