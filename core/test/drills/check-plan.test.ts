// The integrity check's split (pure): which statements keep a full
// integrity_check's guarantees, and how their answers become one verdict.
import { describe, expect, it } from "vitest";
import { mergeCheckLines, nextCheck, planCheck, spareThreads } from "../../src/drills/check-plan.ts";

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

describe("spareThreads", () => {
  it("the cpus less the other runnable threads of /proc/loadavg (the reader counts itself)", () => {
    expect(spareThreads(2, "0.50 0.40 0.30 1/300 1234\n")).toBe(2);
    expect(spareThreads(2, "1.90 1.40 1.30 2/300 1234\n")).toBe(1);
    expect(spareThreads(2, "15.0 14.0 13.0 19/300 1234\n")).toBe(1);
    expect(spareThreads(8, "3.0 3.0 3.0 4/300 1234\n")).toBe(5);
  });

  it("all cpus when the text cannot be read (not Linux), never below one", () => {
    expect(spareThreads(4, null)).toBe(4);
    expect(spareThreads(4, "garbage")).toBe(4);
    expect(spareThreads(0, null)).toBe(1);
  });
});

describe("nextCheck", () => {
  const plan = planCheck("integrity_check", ["users", "orders", "events", "it's", "_litestream_seq"], 2);
  // The bench's shape: as many orders as events, but events' rows are wider.
  const pages = { users: 3305, users_email: 1200, orders: 40_000, orders_user: 11_000, events: 159_600, events_kind: 12_000, "it's": 10, _litestream_seq: 1 };
  const indexes = { users: ["users_email"], orders: ["orders_user"], events: ["events_kind"] };

  it("the whole-file pass first, whatever is known", () => {
    expect(plan[nextCheck(plan, null, indexes)]).toBe("PRAGMA quick_check");
    expect(plan[nextCheck(plan, pages, indexes)]).toBe("PRAGMA quick_check");
  });

  it("then the table check that reads the most pages (table and indexes), quotes and all", () => {
    const tables = plan.slice(1);
    expect(tables[nextCheck(tables, pages, indexes)]).toBe("PRAGMA integrity_check('events')");
    const rest = tables.filter((s) => !s.includes("events"));
    expect(rest[nextCheck(rest, pages, indexes)]).toBe("PRAGMA integrity_check('orders')");
    expect(rest[nextCheck(rest, { ...pages, "it's": 60_000 }, indexes)]).toBe("PRAGMA integrity_check('it''s')");
    expect(rest[nextCheck(rest, { ...pages, users: 30_000, users_email: 30_000 }, indexes)]).toBe("PRAGMA integrity_check('users')");
  });

  it("before the page counts, and between equals, plan order; -1 when nothing is left", () => {
    expect(nextCheck(plan.slice(1), null, indexes)).toBe(0);
    expect(nextCheck(["PRAGMA integrity_check('a')", "PRAGMA integrity_check('b')"], {}, indexes)).toBe(0);
    expect(nextCheck([], pages, indexes)).toBe(-1);
  });
});
