/** Seconds from `from` to `to`, fractional (callers floor or round as they word it); negative when `to` is earlier. */
export function secondsBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / 1000;
}
