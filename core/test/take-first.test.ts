import { expect, it } from "vitest";
import { takeFirst } from "../src/take-first.ts";

it("takes the first n in insertion order and leaves the rest queued, re-added ids at the end", () => {
  const set = new Set(["a", "b", "c", "d", "e"]);
  expect(takeFirst(set, 2)).toEqual(["a", "b"]);
  set.add("a");
  expect([...set]).toEqual(["c", "d", "e", "a"]);
  expect(takeFirst(set, 10)).toEqual(["c", "d", "e", "a"]);
  expect(set.size).toBe(0);
  expect(takeFirst(set, 3)).toEqual([]);
});

it("100,000 queued ids drain in batches of 25 in linear time (the copy per batch took minutes)", () => {
  const set = new Set(Array.from({ length: 100_000 }, (_, i) => `p${i}`));
  const began = performance.now();
  let taken = 0;
  let last = "";
  while (set.size > 0) {
    const batch = takeFirst(set, 25);
    taken += batch.length;
    last = batch.at(-1)!;
  }
  expect(taken).toBe(100_000);
  expect(last).toBe("p99999");
  // Generous: linear is ~30 ms here; the quadratic copy is over 10 s.
  expect(performance.now() - began).toBeLessThan(3_000);
});

it("refuses a batch size that would drain nothing or everything by mistake", () => {
  for (const n of [0, -1, 1.5, Number.NaN]) expect(() => takeFirst(new Set([1, 2]), n)).toThrow(/positive integer/);
});
