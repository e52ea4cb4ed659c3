// Fixed failure windows by key, the one primitive behind failed-login counts, the password's global pressure
// and an address's cooling. A window opens with its first failure and lasts `windowMs`; later failures in it
// only raise its count. Backends: memory (one process), Redis or the PostgreSQL store (several processes).

/** A key's open window: failures counted in it, and milliseconds until it ends (> 0). */
export interface Window {
  count: number;
  leftMs: number;
}

export interface FailureWindows {
  /** Counts one failure against `key`, opening a `windowMs` window when none is open; the window after it. */
  add(key: string, windowMs: number): Promise<Window>;
  /** The key's open window, or null when none is. */
  get(key: string): Promise<Window | null>;
  close(): Promise<void>;
}

/** Longest key a backend stores: addresses are at most 45 characters (IPv6 with an IPv4 tail); more is cut. */
export const MAX_KEY_LENGTH = 100;

export function boundedKey(key: string): string {
  return key.length > MAX_KEY_LENGTH ? key.slice(0, MAX_KEY_LENGTH) : key;
}

/** One process's windows, at most `maxKeys` (all forgotten when a flood of addresses fills them). */
export function memoryWindows(now: () => number = () => Date.now(), maxKeys = 10_000): FailureWindows & { addNow(key: string, windowMs: number): Window } {
  const windows = new Map<string, { until: number; count: number }>();

  function open(key: string) {
    const w = windows.get(key);
    if (!w) return null;
    if (w.until <= now()) {
      windows.delete(key);
      return null;
    }
    return w;
  }
  function addNow(key: string, windowMs: number): Window {
    let w = open(key);
    if (w) w.count++;
    else {
      if (windows.size >= maxKeys) windows.clear();
      w = { until: now() + windowMs, count: 1 };
      windows.set(key, w);
    }
    return { count: w.count, leftMs: w.until - now() };
  }
  return {
    addNow,
    add: async (key, windowMs) => addNow(key, windowMs),
    async get(key) {
      const w = open(key);
      return w ? { count: w.count, leftMs: w.until - now() } : null;
    },
    async close() {},
  };
}
