// The integrity check's split (pure): which statements keep a full
// integrity_check's guarantees, and how their answers become one verdict.
import { describe, expect, it } from "vitest";
import { mergeCheckLines, planCheck } from "../../src/drills/check-plan.ts";

describe("planCheck", () => {
  it("two threads and two tables or more: the whole-file quick_check plus integrity_check of each table", () => {
    expect(planCheck("integrity_check", ["users", "orders", "it's"], 2)).toEqual([
      "PRAGMA quick_check",
      "PRAGMA integrity_check('users')",
      "PRAGMA integrity_check('orders')",
      "PRAGMA integrity_check('it''s')",
    ]);
  });

  it("one thread or one table: the plain pragma, which does less work in all", () => {
    expect(planCheck("integrity_check", ["users", "orders"], 1)).toEqual(["PRAGMA integrity_check"]);
    expect(planCheck("integrity_check", ["users"], 8)).toEqual(["PRAGMA integrity_check"]);
    expect(planCheck("integrity_check", [], 8)).toEqual(["PRAGMA integrity_check"]);
  });

  it("quick_check stays one whole-file pass", () => {
    expect(planCheck("quick_check", ["users", "orders"], 8)).toEqual(["PRAGMA quick_check"]);
  });
});

describe("mergeCheckLines", () => {
  it("ok only when every statement answered ok alone", () => {
    expect(mergeCheckLines([["ok"], ["ok"]])).toBe("ok");
    expect(mergeCheckLines([["ok"], ["row 3 missing from index i"], ["ok"], ["Page 9: never used"]])).toBe("row 3 missing from index i\nPage 9: never used");
  });

  it("a statement without an answer is a problem, not ok", () => {
    expect(mergeCheckLines([["ok"], []])).toBe("no answer");
  });

  it("keeps at most max lines", () => {
    expect(mergeCheckLines([["a", "b"], ["c"]], 2)).toBe("a\nb");
  });
});
