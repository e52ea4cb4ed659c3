// Failed authentications, counted per client address. The
// counts only ever hold back requests that do not carry a valid credential:
// anyone can fail on purpose, so a count must never lock out the owners.
import { memoryWindows, type FailureWindows } from "./auth-state/windows.ts";

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
  fail(address: string): Promise<void>;
  /** Milliseconds until attempts from this address are checked again; 0 when it is not blocked. */
  blockedFor(address: string): Promise<number>;
}

/**
 * Failure counts per client address in one-minute windows, `failuresPerMinute` each, kept in `windows`
 * (auth-state/: memory for one core, Redis or PostgreSQL for several). Never per credential: a count that
 * anyone can raise must not hold back the owner of a right password or token.
 */
export function createAuthFailures(failuresPerMinute: number, windows: FailureWindows = memoryWindows()): AuthFailures {
  const key = (address: string) => `fail:${address}`;
  return {
    async fail(address) {
      await windows.add(key(address), 60_000);
    },
    async blockedFor(address) {
      const w = await windows.get(key(address));
      return w && w.count >= failuresPerMinute ? w.leftMs : 0;
    },
  };
}
