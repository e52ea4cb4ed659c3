// When the dashboard password may be compared. A password may be guessable, so
// guesses are limited, but only by what the guesser's own address did: a right
// password from an address that is not itself blocked is compared and let in
// at once, whatever other addresses failed. Distributed guessing is slowed by
// making each address's wrong guess cost more while wrong passwords arrive
// from everywhere at once (global pressure), never by blocking the password.
import type { AuthFailures } from "./failure-limiter.ts";
import { createFailureLimiter } from "./failure-limiter.ts";

/** Under global pressure, a wrong password blocks its address for this long (one guess per address per window). */
export const PRESSURE_BLOCK_MS = 60_000;
/** Global pressure starts at this many wrong passwords a minute, as a multiple of the per-address limit. */
export const PRESSURE_FACTOR = 4;

export type PasswordTurn =
  | { ok: true }
  /** `busy`: a password from this address is being compared right now; `blocked`: its own failures. */
  | { ok: false; reason: "blocked" | "busy"; retryAfterMs: number };

export interface PasswordGuard {
  /** Asks to compare a password from `address`; on `ok` the caller must call `end` with the outcome. */
  begin(address: string): PasswordTurn;
  /** Records the outcome of a comparison that `begin` allowed. */
  end(address: string, correct: boolean): void;
}

/**
 * `failures`: the per-address counts shared with token checks (`failuresPerMinute` a minute). One comparison
 * at a time per address (concurrent guesses cannot slip past the count). While the wrong passwords of the
 * last minute from all addresses reach `PRESSURE_FACTOR × failuresPerMinute`, a wrong password also blocks its
 * address for `PRESSURE_BLOCK_MS`.
 */
export function createPasswordGuard(failures: AuthFailures, failuresPerMinute: number, now = () => Date.now()): PasswordGuard {
  const pressure = createFailureLimiter(PRESSURE_FACTOR * failuresPerMinute, 60_000, now);
  const cooling = new Map<string, number>();
  const comparing = new Set<string>();
  const MAX_COOLING = 10_000;

  function coolingFor(address: string): number {
    const until = cooling.get(address);
    if (until === undefined) return 0;
    if (until <= now()) {
      cooling.delete(address);
      return 0;
    }
    return until - now();
  }

  return {
    begin(address) {
      const blocked = Math.max(failures.blockedFor(address), coolingFor(address));
      if (blocked > 0) return { ok: false, reason: "blocked", retryAfterMs: blocked };
      if (comparing.has(address)) return { ok: false, reason: "busy", retryAfterMs: 1000 };
      comparing.add(address);
      return { ok: true };
    },
    end(address, correct) {
      comparing.delete(address);
      if (correct) return;
      failures.fail(address);
      pressure.fail("password");
      if (pressure.blockedFor("password") > 0) {
        if (cooling.size >= MAX_COOLING) cooling.clear();
        cooling.set(address, now() + PRESSURE_BLOCK_MS);
      }
    },
  };
}
