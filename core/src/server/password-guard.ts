// When the dashboard password may be compared. A password may be guessable, so
// guesses are limited, but only by what the guesser's own address did: a right
// password from an address that is not itself blocked is compared and let in
// at once, whatever other addresses failed. Distributed guessing is slowed by
// making each address's wrong guess cost more while wrong passwords arrive
// from everywhere at once (global pressure), never by blocking the password.
// Across cores the counts, the pressure and the cooling live in the shared failure windows (auth-state/);
// "one comparison at a time per address" stays per process: a guesser spreading concurrent guesses over N
// cores gets at most N comparisons in flight, each still counted before that core compares again.
import type { AuthFailures } from "./failure-limiter.ts";
import { memoryWindows, type FailureWindows } from "./auth-state/windows.ts";

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
  begin(address: string): Promise<PasswordTurn>;
  /** Records the outcome of a comparison that `begin` allowed; the address's turn ends once it is counted. */
  end(address: string, correct: boolean): Promise<void>;
}

/**
 * `failures`: the per-address counts shared with token checks (`failuresPerMinute` a minute); `windows`: where
 * the pressure and cooling windows live (the same backend as `failures`'). One comparison at a time per
 * address in this process (concurrent guesses cannot slip past the count). While the wrong passwords of the
 * last minute from all addresses reach `PRESSURE_FACTOR × failuresPerMinute`, a wrong password also blocks its
 * address for `PRESSURE_BLOCK_MS`.
 */
export function createPasswordGuard(failures: AuthFailures, failuresPerMinute: number, windows: FailureWindows = memoryWindows()): PasswordGuard {
  const comparing = new Set<string>();

  async function coolingFor(address: string): Promise<number> {
    return (await windows.get(`cool:${address}`))?.leftMs ?? 0;
  }

  return {
    async begin(address) {
      // Taken before any await: a second request from the address must find it busy, not race past.
      if (comparing.has(address)) return { ok: false, reason: "busy", retryAfterMs: 1000 };
      comparing.add(address);
      try {
        const [counted, cooling] = await Promise.all([failures.blockedFor(address), coolingFor(address)]);
        const blocked = Math.max(counted, cooling);
        if (blocked > 0) {
          comparing.delete(address);
          return { ok: false, reason: "blocked", retryAfterMs: blocked };
        }
      } catch (err) {
        comparing.delete(address);
        throw err;
      }
      return { ok: true };
    },
    async end(address, correct) {
      try {
        if (correct) return;
        await failures.fail(address);
        const pressure = await windows.add("pressure", 60_000);
        if (pressure.count >= PRESSURE_FACTOR * failuresPerMinute) await windows.add(`cool:${address}`, PRESSURE_BLOCK_MS);
      } finally {
        comparing.delete(address);
      }
    },
  };
}
