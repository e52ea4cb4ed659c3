// Pure: the terms of a periodic job's lease (store/lease.ts holds the SQL). With several core processes on
// one store, a job that must run once per period (the freshness sweep, the drill schedule's tick) runs only
// in the process holding its lease. The holder renews it at every tick and, during a long run, every
// third of its length; a holder that stops (kill -9, a host gone) stops renewing, and the first peer to
// tick after `until` takes the lease over.

/** Lease length in job periods: a holder may miss two ticks (a GC pause, a slow store) and keep it. */
export const LEASE_PERIODS = 3;
/** The shortest lease (ms): a one-second period must not hand the lease around on every stall. */
export const MIN_LEASE_MS = 10_000;

/** A lease row as stored (the Lease model); times as Dates. */
export interface LeaseRow {
  name: string;
  holder: string;
  until: Date;
  acquiredAt: Date;
  renewedAt: Date;
  lastRunAt: Date | null;
  lastRunBy: string | null;
  runs: number;
}

/** The lease length (ms) for a job that runs every `periodMs` ms. */
export function leaseLengthMs(periodMs: number): number {
  if (!Number.isFinite(periodMs) || periodMs <= 0) throw new Error(`lease period must be a positive number of ms, got ${periodMs}`);
  return Math.max(MIN_LEASE_MS, LEASE_PERIODS * periodMs);
}

/** How often (ms) a holder renews while one run lasts: three renewals fit in a lease. */
export function renewEveryMs(lengthMs: number): number {
  return Math.max(1, Math.floor(lengthMs / 3));
}

/**
 * May `holder` claim the lease at `now`? Yes when nobody holds it (no row), its holder let it run out
 * (`until` < now), or `holder` holds it already (a renewal). The store's conditional upsert
 * (store/lease.ts CLAIM_SQL) is this rule in SQL; the two are tested against each other.
 */
export function mayClaim(row: Pick<LeaseRow, "holder" | "until"> | null, holder: string, now: Date): boolean {
  return row === null || row.until.getTime() < now.getTime() || row.holder === holder;
}

/** Who holds the lease at `now`, as /healthz shows it: the holder, or null when it ran out (or never was taken). */
export function currentHolder(row: Pick<LeaseRow, "holder" | "until"> | null, now: Date): string | null {
  return row && row.until.getTime() >= now.getTime() ? row.holder : null;
}

/** What a claim did: "took" (the lease was free or ran out), "kept" (a renewal), "held" (another process holds it). */
export type ClaimOutcome = "took" | "kept" | "held";

/**
 * The outcome of a claim at `now` from what the upsert returned: null when it changed no row (another
 * holds the lease), else the lease's `acquiredAt`, which is `now` only when this claim took it.
 */
export function claimOutcome(acquiredAt: Date | null, now: Date): ClaimOutcome {
  if (acquiredAt === null) return "held";
  return acquiredAt.getTime() === now.getTime() ? "took" : "kept";
}
