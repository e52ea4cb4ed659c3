// Issue 18: the overview renders only the rows in view, plus an overscan, with spacers for the rest.
import { describe, expect, it } from "vitest";
import { rowWindow } from "../src/lib/row-window.ts";

describe("rowWindow", () => {
  it("at the top renders the viewport's rows and the overscan below", () => {
    expect(rowWindow(10_000, 40, 100, 800, 10)).toEqual({ start: 0, end: 28, before: 0, after: (10_000 - 28) * 40 });
  });

  it("scrolled into the list renders a window around the viewport, whose spacers add up to the rest", () => {
    const w = rowWindow(10_000, 40, -20_000, 800, 10);
    expect(w).toEqual({ start: 490, end: 530, before: 490 * 40, after: (10_000 - 530) * 40 });
    expect(w.before + (w.end - w.start) * 40 + w.after).toBe(10_000 * 40);
  });

  it("never renders past either end, nor a negative window when the list is out of view", () => {
    expect(rowWindow(100, 40, -3_800, 800, 10)).toEqual({ start: 85, end: 100, before: 3400, after: 0 });
    expect(rowWindow(100, 40, -10_000, 800, 10)).toEqual({ start: 100, end: 100, before: 4000, after: 0 });
    expect(rowWindow(100, 40, 5_000, 800, 10)).toEqual({ start: 0, end: 0, before: 0, after: 4000 });
    expect(rowWindow(0, 40, 0, 800, 10)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });

  it("treats a zero height (nothing measured yet) as 1 px, never dividing by zero", () => {
    expect(rowWindow(50, 0, 0, 20, 0)).toEqual({ start: 0, end: 20, before: 0, after: 30 });
  });
});
