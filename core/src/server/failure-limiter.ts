/** Counts failures per key in a fixed window; a key over the limit is blocked until its window ends. */
export function createFailureLimiter(limit: number, windowMs: number, now = () => Date.now()) {
  const windows = new Map<string, { start: number; count: number }>();
  const MAX_KEYS = 10_000;

  function current(key: string) {
    const t = now();
    const w = windows.get(key);
    if (!w || t - w.start >= windowMs) return null;
    return w;
  }

  return {
    fail(key: string): void {
      const w = current(key);
      if (w) w.count++;
      else {
        if (windows.size >= MAX_KEYS) windows.clear();
        windows.set(key, { start: now(), count: 1 });
      }
    },
    /** Milliseconds until the key may try again; 0 when it is not blocked. */
    blockedFor(key: string): number {
      const w = current(key);
      return w && w.count >= limit ? w.start + windowMs - now() : 0;
    },
  };
}
