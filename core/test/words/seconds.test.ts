import { describe, expect, it } from "vitest";
import { secondsBetween } from "../../src/words/seconds.ts";

describe("secondsBetween", () => {
  it("is fractional and signed: callers floor or round as they word it", () => {
    const at = new Date("2026-01-01T00:00:00.000Z");
    expect(secondsBetween(at, new Date("2026-01-01T00:01:30.750Z"))).toBe(90.75);
    expect(secondsBetween(new Date("2026-01-01T00:00:02.500Z"), at)).toBe(-2.5);
    expect(secondsBetween(at, at)).toBe(0);
  });
});
