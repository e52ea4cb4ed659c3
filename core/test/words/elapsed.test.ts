// Issue 14: `borela drill list` showed "0.0s" for a restore the dashboard shows as "34 ms".
import { describe, expect, it } from "vitest";
import { formatElapsed } from "../../src/words/duration.ts";

describe("formatElapsed: a measured restore time in the dashboard's words", () => {
  it("milliseconds under a second, one decimal under ten, then the core's duration words", () => {
    expect(formatElapsed(0.034)).toBe("34 ms");
    expect(formatElapsed(0)).toBe("0 ms");
    expect(formatElapsed(1.24)).toBe("1.2s");
    expect(formatElapsed(42.4)).toBe("42s");
    expect(formatElapsed(302)).toBe("5 min 2s");
  });
});
