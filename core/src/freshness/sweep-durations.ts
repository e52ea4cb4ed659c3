// How long this core's interval sweeps take (/healthz?details=true sweep.sweepMs, sweepMaxMs): the last
// completed one, and the longest completed within the last hour. A sweep a peer ran (it held the lease)
// is not here: each core reports its own. Pure bookkeeping; the sweeper tells it each completed sweep.

export const SWEEP_DURATION_WINDOW_MS = 3_600_000;
// An hour of sweeps at the shortest interval (1 s) stays within this; older entries go first.
const MAX_KEPT = 4_000;

export interface SweepDurationFigures {
  /** The last completed sweep's duration (ms, whole), or null when this core completed none yet. */
  sweepMs: number | null;
  /** The longest sweep completed within the last hour (ms, whole), or null when none. */
  sweepMaxMs: number | null;
}

export class SweepDurations {
  private readonly kept: { at: number; ms: number }[] = [];

  /** A sweep that ended at `at` after `ms` milliseconds. */
  record(at: Date, ms: number): void {
    this.kept.push({ at: at.getTime(), ms: Math.round(ms) });
    if (this.kept.length > MAX_KEPT) this.kept.shift();
  }

  /** The figures at `now`; entries older than the window are dropped. */
  figures(now: Date): SweepDurationFigures {
    const last = this.kept.at(-1)?.ms ?? null;
    while (this.kept.length > 0 && now.getTime() - this.kept[0].at > SWEEP_DURATION_WINDOW_MS) this.kept.shift();
    return { sweepMs: last, sweepMaxMs: this.kept.length === 0 ? null : Math.max(...this.kept.map((k) => k.ms)) };
  }
}
