// Work over every project (100,000 at the top of what a core carries) written once as a generator that
// yields between slices of rows, then run either at once (runNow: tests, small lists) or with the event
// loop turning every few milliseconds of work (runYielding: a serving core, where one pass held the loop
// for 100–250 ms at 100,000 projects, more on a loaded machine).
import { setImmediate as nextTurn } from "node:timers/promises";

/** A computation that yields (nothing) between slices and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Rows between the points where a pass may give the loop a turn: ~1 µs of work each. */
export const STEP_ROWS = 2_000;

/**
 * How long runYielding lets a pass hold the event loop before it gives the loop a turn. A turn at every
 * STEP_ROWS made a list rebuild of 100,000 projects wait for ~80 turns of a loaded loop (seconds) for
 * passes that cost a few milliseconds each.
 */
export const SLICE_MS = 8;

/** Whether row `i` ends a slice: `if (sliceEnds(i)) yield;` inside a loop over rows. */
export const sliceEnds = (i: number): boolean => i % STEP_ROWS === STEP_ROWS - 1;

export function runNow<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs `steps`, giving the event loop a turn at the first yield after each `sliceMs` of work (0: at every yield). */
export async function runYielding<T>(steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  let began = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - began < sliceMs) continue;
    await nextTurn();
    began = performance.now();
  }
}

/**
 * `items` sorted by `compare` (a stable merge sort): slices of STEP_ROWS sorted one at a time, then merged
 * pairwise, yielding every STEP_ROWS items placed. Returns a new array; `items` is left as it was.
 */
export function* sortSteps<T>(items: readonly T[], compare: (a: T, b: T) => number): Steps<T[]> {
  let runs = items.slice();
  for (let i = 0; i < runs.length; i += STEP_ROWS) {
    const sorted = runs.slice(i, i + STEP_ROWS).sort(compare);
    for (let k = 0; k < sorted.length; k++) runs[i + k] = sorted[k];
    yield;
  }
  let placed = 0;
  for (let width = STEP_ROWS; width < runs.length; width *= 2) {
    const out = new Array<T>(runs.length);
    for (let lo = 0; lo < runs.length; lo += 2 * width) {
      const mid = Math.min(lo + width, runs.length);
      const hi = Math.min(lo + 2 * width, runs.length);
      let a = lo;
      let b = mid;
      for (let o = lo; o < hi; o++) {
        out[o] = b >= hi || (a < mid && compare(runs[a], runs[b]) <= 0) ? runs[a++] : runs[b++];
        if (++placed % STEP_ROWS === 0) yield;
      }
    }
    runs = out;
  }
  return runs;
}
