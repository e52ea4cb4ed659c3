import { expect, it } from "vitest";
import { runNow, runYielding, SLICE_MS, sliceEnds, sortSteps, STEP_ROWS, type Steps } from "../src/steps.ts";
import { loopTurnsDuring } from "./support/loop-turns.ts";

function random(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

it("sortSteps equals Array.prototype.sort (stable) for sizes around the slice and its powers of two", () => {
  const rnd = random(5);
  for (const n of [0, 1, 7, STEP_ROWS - 1, STEP_ROWS, STEP_ROWS + 1, 3 * STEP_ROWS + 17, 8 * STEP_ROWS]) {
    // Few distinct keys, so stability shows: equal keys keep their input order.
    const items = Array.from({ length: n }, (_, i) => ({ key: Math.floor(rnd() * 50), at: i }));
    const cmp = (a: { key: number }, b: { key: number }) => a.key - b.key;
    const before = items.slice();
    expect(runNow(sortSteps(items, cmp))).toEqual(items.slice().sort(cmp));
    expect(items).toEqual(before);
  }
});

it("yields about once per slice of work, so the event loop turns while 8 slices of items sort", async () => {
  const rnd = random(9);
  const items = Array.from({ length: 8 * STEP_ROWS }, () => rnd());
  let yields = 0;
  const steps = sortSteps(items, (a, b) => a - b);
  for (let r = steps.next(); !r.done; r = steps.next()) yields++;
  // 8 slices sorted, then 3 merge passes of 8 slices each.
  expect(yields).toBe(8 + 3 * 8);
  // A turn at every yield (sliceMs 0).
  const { result: sorted, turns } = await loopTurnsDuring(() => runYielding(sortSteps(items, (a, b) => a - b), 0));
  expect(turns).toBeGreaterThanOrEqual(20);
  expect(sorted).toEqual(items.slice().sort((a, b) => a - b));
});

it("gives the loop a turn only after a slice's time budget of work, and at least once per budget", async () => {
  // 200 yields of a few microseconds each: far less work than one SLICE_MS, so (nearly) no turn.
  function* cheap(): Steps<number> {
    let sum = 0;
    for (let i = 0; i < 200 * STEP_ROWS; i++) {
      if (sliceEnds(i)) yield;
      sum += i;
    }
    return sum;
  }
  const quick = await loopTurnsDuring(() => runYielding(cheap()));
  expect(quick.result).toBe(((200 * STEP_ROWS - 1) * 200 * STEP_ROWS) / 2);
  expect(quick.turns).toBeLessThan(50);
  // 30 yields of 3 ms each (90 ms of work): a turn at least every SLICE_MS of it.
  function* slow(): Steps<void> {
    for (let k = 0; k < 30; k++) {
      const until = performance.now() + 3;
      while (performance.now() < until);
      yield;
    }
  }
  const spread = await loopTurnsDuring(() => runYielding(slow()));
  expect(spread.turns).toBeGreaterThanOrEqual(Math.floor(90 / (SLICE_MS + 3)) - 1);
  expect(spread.turns).toBeLessThan(30);
});
