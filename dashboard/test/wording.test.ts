// Issue 14: "1 projects" on the overview; "fresh since 42 s ago" for a state that still holds.
import { describe, expect, it } from "vitest";
import { lasting, plural } from "../src/lib/format.ts";

describe("small wording", () => {
  it("a count agrees with its noun", () => {
    expect(`1 ${plural(1, "project")}`).toBe("1 project");
    expect(`2 ${plural(2, "project")}`).toBe("2 projects");
    expect(`0 ${plural(0, "project")}`).toBe("0 projects");
  });
  it("a status that still holds reads 'for 42 s', never 'since 42 s ago'", () => {
    const now = Date.parse("2026-11-29T14:02:42Z");
    expect(lasting("2026-11-29T14:02:00Z", now)).toBe("for 42 s");
    expect(lasting("2026-11-29T13:00:00Z", now)).toBe("for 1 h");
    expect(lasting("2026-11-29T14:02:41.5Z", now)).toBe("for a moment");
  });
});
