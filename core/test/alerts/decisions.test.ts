import { describe, expect, it } from "vitest";
import { dueNotifications, retryDelayMs } from "../../src/alerts/decisions.ts";

const t0 = new Date("2026-11-25T10:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const timing = { confirmSeconds: 60, reminderHours: 24 };

describe("dueNotifications", () => {
  it.each([
    ["open, not yet confirmed", { openedAt: t0, resolvedAt: null }, false, at(30), []],
    ["open and confirmed", { openedAt: t0, resolvedAt: null }, false, at(60), ["opened:0"]],
    ["flapped: resolved within the confirmation delay", { openedAt: t0, resolvedAt: at(20) }, false, at(120), []],
    ["resolved after being announced", { openedAt: t0, resolvedAt: at(600) }, true, at(601), ["opened:0", "resolved:0"]],
    ["open for a day: first reminder", { openedAt: t0, resolvedAt: null }, true, at(86_400), ["opened:0", "reminder:1"]],
    ["open for three days: third reminder", { openedAt: t0, resolvedAt: null }, true, at(3 * 86_400 + 5), ["opened:0", "reminder:3"]],
    ["no reminder once resolved", { openedAt: t0, resolvedAt: at(2 * 86_400) }, true, at(3 * 86_400), ["opened:0", "resolved:0"]],
  ])("%s", (_label, incident, announced, now, expected) => {
    expect(dueNotifications(incident, announced, timing, now).map((n) => `${n.event}:${n.seq}`)).toEqual(expected);
  });

  it("announces errors at once with a zero confirmation delay", () => {
    expect(dueNotifications({ openedAt: t0, resolvedAt: null }, false, { confirmSeconds: 0, reminderHours: 24 }, t0)).toEqual([{ event: "opened", seq: 0 }]);
  });
});

describe("retryDelayMs", () => {
  it("doubles from the base and stops at an hour", () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 5))).toEqual([5000, 10000, 20000, 40000]);
    expect(retryDelayMs(30, 5)).toBe(3_600_000);
  });
});
