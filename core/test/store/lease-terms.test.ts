// Issue 20 item 2: the pure terms of a periodic job's lease (store/lease-terms.ts).
import { describe, expect, it } from "vitest";
import { claimOutcome, currentHolder, leaseLengthMs, LEASE_PERIODS, mayClaim, MIN_LEASE_MS, renewEveryMs } from "../../src/store/lease-terms.ts";

const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, s));

describe("lease terms", () => {
  it("a lease lasts LEASE_PERIODS periods, never under MIN_LEASE_MS; renewed three times within it", () => {
    expect(leaseLengthMs(15_000)).toBe(LEASE_PERIODS * 15_000);
    expect(leaseLengthMs(30_000)).toBe(90_000);
    expect(leaseLengthMs(1_000)).toBe(MIN_LEASE_MS);
    expect(renewEveryMs(45_000)).toBe(15_000);
    expect(() => leaseLengthMs(0)).toThrow(/lease period must be a positive number of ms, got 0/);
    expect(() => leaseLengthMs(Number.NaN)).toThrow(/lease period/);
  });

  it("may claim a lease nobody holds, one that ran out, or one it holds; not a peer's running one", () => {
    expect(mayClaim(null, "a", at(0))).toBe(true);
    expect(mayClaim({ holder: "b", until: at(10) }, "a", at(5))).toBe(false);
    expect(mayClaim({ holder: "b", until: at(10) }, "a", at(10))).toBe(false); // runs out strictly after `until`
    expect(mayClaim({ holder: "b", until: at(10) }, "a", at(11))).toBe(true);
    expect(mayClaim({ holder: "a", until: at(10) }, "a", at(5))).toBe(true);
    expect(mayClaim({ holder: "a", until: at(1) }, "a", at(5))).toBe(true);
  });

  it("the holder shown is null once the lease ran out", () => {
    expect(currentHolder(null, at(0))).toBeNull();
    expect(currentHolder({ holder: "b", until: at(10) }, at(10))).toBe("b");
    expect(currentHolder({ holder: "b", until: at(10) }, at(11))).toBeNull();
  });

  it("a claim took the lease when its acquiredAt is the claim's time, kept it otherwise, and held means no row changed", () => {
    expect(claimOutcome(null, at(5))).toBe("held");
    expect(claimOutcome(at(5), at(5))).toBe("took");
    expect(claimOutcome(at(1), at(5))).toBe("kept");
  });
});
