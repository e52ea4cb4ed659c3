// The one retry backoff: the wait doubles with each failure in a row, from
// `initialMs` up to `maxMs` (alert deliveries, drills that could not reach
// storage, Litestream restarts).
//
//   backoffMs(failures: number, initialMs: number, maxMs: number): number   ms; failures ≤ 1 waits initialMs

/** initialMs × 2^(failures − 1), at most maxMs; the exponent stops at 20 so any count stays finite. */
export function backoffMs(failures: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(failures - 1, 20)));
}
