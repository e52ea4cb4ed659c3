// Table names that are also keys of Object.prototype must be compared like any other name.
import { describe, expect, it } from "vitest";
import { compareWithLive, compareWithPrevious } from "../../src/drills/decisions.ts";

const BUILTIN_NAMES = ["constructor", "toString", "hasOwnProperty", "valueOf"];

describe("drill table comparisons with built-in object key names", () => {
  it.each(BUILTIN_NAMES)("warns when a live table named %s is missing from the backup", (name) => {
    expect(compareWithLive({ users: 3 }, { users: 3, [name]: 7 }, 50)).toEqual([
      `table ${name} exists in the live database (7 rows) but not in the backup`,
    ]);
  });

  it.each(BUILTIN_NAMES)("fails when a table named %s from the last passing drill is missing", (name) => {
    expect(compareWithPrevious({ users: 3 }, { users: 3, [name]: 7 }, 50).failures).toEqual([
      `table ${name} is missing (it had 7 rows in the last passing drill)`,
    ]);
  });

  it("compares counts of such tables when both sides have them", () => {
    const live = { constructor: 100, toString: 10, hasOwnProperty: 5, valueOf: 0 };
    expect(compareWithLive({ constructor: 40, toString: 10, hasOwnProperty: 5, valueOf: 0 }, live, 50)).toEqual([
      "table constructor has 40 rows in the backup but 100 in the live database",
    ]);
    expect(compareWithPrevious({ constructor: 40, toString: 10, hasOwnProperty: 5, valueOf: 0 }, live, 50)).toEqual({
      failures: [],
      warnings: ["table constructor dropped 60% since the last passing drill (100 → 40 rows)"],
    });
  });

  it("reads live counts parsed from stored JSON the same way", () => {
    const live = JSON.parse('{"constructor": 4, "users": 1}') as Record<string, number>;
    expect(compareWithLive({ users: 1 }, live, 50)).toEqual(["table constructor exists in the live database (4 rows) but not in the backup"]);
  });
});
