// The freshness statuses and their order, worst first: the order the overview
// sorts by and a project takes its status from. Pure and import-free, so the
// dashboard imports it too (dashboard/src/lib/status.ts) instead of a copy.
export const STATUSES = ["fresh", "stale", "silent", "error", "unknown"] as const;
export type Status = (typeof STATUSES)[number];

/** Higher is worse: silent 4, error 3, stale 2, unknown 1, fresh 0. */
export const SEVERITY: Readonly<Record<Status, number>> = { silent: 4, error: 3, stale: 2, unknown: 1, fresh: 0 };

export function severity(status: Status): number {
  return SEVERITY[status];
}

export function worstStatus(statuses: Status[]): Status {
  return statuses.reduce<Status>((worst, s) => (SEVERITY[s] > SEVERITY[worst] ? s : worst), "fresh");
}
