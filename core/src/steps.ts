// Work over every project (100,000 at the top of what a core carries) written once as a generator that
// yields between slices of rows, then run either at once (runNow: tests, small lists) or with the event
// loop turning between slices (runYielding: a serving core, where one pass held the loop for 100–250 ms
// at 100,000 projects, more on a loaded machine).
import { setImmediate as nextTurn } from "node:timers/promises";

/** A computation that yields (nothing) between slices and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Rows per slice: ~1 µs of work each, so a slice holds the loop for a few milliseconds. */
export const STEP_ROWS = 5_000;

/** Whether row `i` ends a slice: `if (sliceEnds(i)) yield;` inside a loop over rows. */
export const sliceEnds = (i: number): boolean => i % STEP_ROWS === STEP_ROWS - 1;

export function runNow<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export async function runYielding<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await nextTurn();
  }
}
