import { describe, expect, it } from "vitest";
import { reportedDatabases } from "../../src/store/reported-databases.ts";

describe("reportedDatabases", () => {
  it("counts stored and reported names once each, and says whether a stored one is left out", () => {
    expect(reportedDatabases(["app", "jobs"], ["jobs", "app"])).toEqual({ wouldHave: 2, leavesOut: false });
    expect(reportedDatabases(["app", "jobs"], ["app"])).toEqual({ wouldHave: 2, leavesOut: true });
    expect(reportedDatabases(["app"], ["app", "cache", "cache"])).toEqual({ wouldHave: 2, leavesOut: false });
    expect(reportedDatabases([], [])).toEqual({ wouldHave: 0, leavesOut: false });
    expect(reportedDatabases(["app"], [])).toEqual({ wouldHave: 1, leavesOut: true });
  });
});
