// Failed authentications, counted per client address. The
// counts only ever hold back requests that do not carry a valid credential:
// anyone can fail on purpose, so a count must never lock out the owners.

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

/**
 * What a request gets, decided after its credential was checked:
 * - `allow`: the credential is valid; no count of anyone's failures holds it back;
 * - `throttle` (429): no valid credential and its address is blocked, for `blockedForMs` more;
 * - `refuse` (401/403): no valid credential, not blocked.
 * Only for credentials of 160 random bits or more (admin, agent and session tokens), where checking one
 * first tells a guesser nothing; a password is a low-entropy secret and goes through `password-guard.ts`.
 */
export function authOutcome(valid: boolean, blockedForMs: number): "allow" | "throttle" | "refuse" {
  if (valid) return "allow";
  return blockedForMs > 0 ? "throttle" : "refuse";
}

export interface AuthFailures {
  /** Counts one failed attempt against the address. */
  fail(address: string): void;
  /** Milliseconds until attempts from this address are checked again; 0 when it is not blocked. */
  blockedFor(address: string): number;
}

/**
 * Failure counts per client address in one-minute windows, `failuresPerMinute` each. Never per credential:
 * a count that anyone can raise must not hold back the owner of a right password or token.
 */
export function createAuthFailures(failuresPerMinute: number, now = () => Date.now()): AuthFailures {
  const addresses = createFailureLimiter(failuresPerMinute, 60_000, now);
  return {
    fail: (address) => addresses.fail(address),
    blockedFor: (address) => addresses.blockedFor(address),
  };
}
