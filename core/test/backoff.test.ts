import { describe, expect, it } from "vitest";
import { backoffMs } from "../src/backoff.ts";

describe("backoffMs", () => {
  it("doubles from the initial wait per failure in a row, up to the maximum", () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffMs(n, 2_000, 300_000))).toEqual([2_000, 2_000, 4_000, 8_000, 16_000]);
    expect(backoffMs(9, 2_000, 300_000)).toBe(300_000);
  });

  it("stays finite for any count of failures", () => {
    expect(backoffMs(10_000, 1, Number.POSITIVE_INFINITY)).toBe(2 ** 20);
  });
});
