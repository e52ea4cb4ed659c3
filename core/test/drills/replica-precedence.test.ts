// Which project keeps a replica several claim (replica-precedence.ts), without I/O: the first
// claimant, an operator's stored replica before any report, every claimant refused when the order
// cannot be told.
import { describe, expect, it } from "vitest";
import { claimPrecedence, reportedAtFromId } from "../../src/drills/replica-precedence.ts";
import { newId } from "../../src/store/ids.ts";

const report = (project: string, firstAt: number | null) => ({ project, stored: false, firstAt });
const stored = (project: string) => ({ project, stored: true, firstAt: null });

describe("reportedAtFromId", () => {
  it("reads back the time newId wrote", () => {
    for (const t of [0, 1, 1_700_000_000_123, Date.UTC(2031, 0, 2)]) expect(reportedAtFromId(newId(t))).toBe(t);
  });
  it("is null for ids of another shape", () => {
    expect(reportedAtFromId("r1")).toBeNull();
    expect(reportedAtFromId("p-Br")).toBeNull();
    expect(reportedAtFromId(newId(5).toUpperCase())).toBeNull();
    expect(reportedAtFromId(`${newId(5)}x`)).toBeNull();
    expect(reportedAtFromId(newId(5).replace(/^./, "i"))).toBeNull();
  });
});

describe("claimPrecedence", () => {
  it("the project that reported first keeps the replica; the later one is refused naming it", () => {
    expect(claimPrecedence(report("projC", 1000), [report("projA", 2000)])).toEqual({ kind: "owner" });
    expect(claimPrecedence(report("projA", 2000), [report("projC", 1000)])).toEqual({ kind: "later", earlier: [{ project: "projC", stored: false }] });
  });
  it("no other claim: owner", () => {
    expect(claimPrecedence(report("p", null), [])).toEqual({ kind: "owner" });
  });
  it("a stored replica outranks any report, however early", () => {
    expect(claimPrecedence(stored("ops"), [report("early", 1)])).toEqual({ kind: "owner" });
    expect(claimPrecedence(report("early", 1), [stored("ops")])).toEqual({ kind: "later", earlier: [{ project: "ops", stored: true }] });
  });
  it("names only the claimants that came first, each once", () => {
    const others = [report("b", 500), report("b", 700), report("z", 3000), report("a", 900)];
    expect(claimPrecedence(report("me", 1000), others)).toEqual({ kind: "later", earlier: [{ project: "a", stored: false }, { project: "b", stored: false }] });
  });
  it("takes a project's rows at its earliest report", () => {
    expect(claimPrecedence(report("me", 1000), [report("b", 5000), report("b", 900)])).toEqual({ kind: "later", earlier: [{ project: "b", stored: false }] });
  });
  it("refuses every claimant when the order cannot be told: same millisecond, unknown time, two stored", () => {
    const undecided = (project: string, isStored = false) => ({ kind: "undecided", claimants: [{ project, stored: isStored }] });
    expect(claimPrecedence(report("me", 1000), [report("b", 1000)])).toEqual(undecided("b"));
    expect(claimPrecedence(report("b", 1000), [report("me", 1000)])).toEqual(undecided("me"));
    expect(claimPrecedence(report("me", null), [report("b", 1000)])).toEqual(undecided("b"));
    expect(claimPrecedence(report("me", 1000), [report("b", null)])).toEqual(undecided("b"));
    expect(claimPrecedence(report("me", 1000), [report("b", 5000), report("b", null)])).toEqual(undecided("b"));
    expect(claimPrecedence(stored("me"), [stored("b")])).toEqual(undecided("b", true));
  });
  it("a later claimant is refused naming the earlier one even when another claim is undecided", () => {
    expect(claimPrecedence(report("me", 1000), [report("first", 10), report("tie", 1000)])).toEqual({ kind: "later", earlier: [{ project: "first", stored: false }] });
  });
});
