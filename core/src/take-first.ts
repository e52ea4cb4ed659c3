/**
 * Removes and returns the first `n` values of `set` in insertion order, without copying the whole set
 * (queues of project ids hold 100,000 at a mass recovery; `[...set].slice(0, n)` per batch is quadratic).
 */
export function takeFirst<T>(set: Set<T>, n: number): T[] {
  // A drain loop calling this with n < 1 would never end.
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`takeFirst: n must be a positive integer, got ${n}`);
  const taken: T[] = [];
  for (const value of set) {
    if (taken.length >= n) break;
    taken.push(value);
  }
  for (const value of taken) set.delete(value);
  return taken;
}
