// The cron memo: one parse serves every instant strictly inside a window, and its answers are cron-parser's.
import { describe, expect, it } from "vitest";
import { CronExpressionParser } from "cron-parser";
import { CronWindows } from "../../src/schedule/cron-window.ts";
import { nextFire, periodSeconds, previousFire } from "../../src/schedule/cron.ts";

const WEEKLY = "30 3 * * 1"; // Mondays 03:30 UTC
const at = (iso: string) => new Date(iso);
const parsed = (cron: string, now: Date) => {
  const p = () => CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" });
  return { prev: p().prev().toISOString(), next: p().next().toISOString() };
};

describe("cron windows", () => {
  it("parses once for every instant strictly inside the window, again outside it", () => {
    const windows = new CronWindows((cron, now) => {
      const e = CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" });
      const prev = CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" }).prev().getTime();
      return { prev, next: e.next().getTime(), after: e.next().getTime() };
    });
    windows.at(WEEKLY, at("2026-03-04T12:00:00.250Z"));
    for (let h = 0; h < 100; h++) windows.at(WEEKLY, new Date(Date.parse("2026-03-02T04:00:00.5Z") + h * 3_600_000));
    expect(windows.parses).toBe(1);
    windows.at(WEEKLY, at("2026-03-09T03:30:00.500Z")); // past the window's next fire
    expect(windows.parses).toBe(2);
  });

  it("keeps at most `max` expressions", () => {
    const windows = new CronWindows(() => ({ prev: 0, next: 10_000_000_000_000, after: 10_000_000_000_001 }), 3);
    for (const m of [1, 2, 3, 4, 1]) windows.at(`${m} * * * *`, at("2026-03-04T12:00:00.5Z"));
    // 4 starts the memo over; 1 is parsed again after it.
    expect(windows.parses).toBe(5);
  });

  it("answers as cron-parser does, on fire times and around them", () => {
    const instants = [
      "2026-03-02T03:29:59.500Z", "2026-03-02T03:30:00.000Z", "2026-03-02T03:30:00.001Z",
      "2026-03-04T12:00:00.700Z", "2026-03-09T03:29:59.999Z", "2026-03-09T03:30:00.000Z", "2026-03-09T03:30:00.300Z",
    ];
    // In order and shuffled: a window kept from one instant must not change the answer for the next.
    for (const order of [instants, [...instants].reverse(), [instants[3], instants[1], instants[2], instants[5], instants[0]]]) {
      for (const iso of order) {
        const now = at(iso!);
        const want = parsed(WEEKLY, now);
        expect({ prev: previousFire(WEEKLY, now).toISOString(), next: nextFire(WEEKLY, now).toISOString() }, iso).toEqual(want);
      }
    }
    expect(periodSeconds(WEEKLY, at("2026-03-09T03:30:00.000Z"))).toBe(7 * 86_400);
    expect(periodSeconds("0 0 1 * *", at("2026-01-15T00:00:00.5Z"))).toBe(28 * 86_400); // Feb 1 → Mar 1
    expect(periodSeconds("0 0 1 * *", at("2026-02-15T00:00:00.5Z"))).toBe(31 * 86_400); // Mar 1 → Apr 1
  });

  it("throws cron-parser's error on a bad expression and keeps nothing", () => {
    expect(() => nextFire("not a cron", at("2026-03-04T12:00:00.5Z"))).toThrow();
    expect(() => nextFire("not a cron", at("2026-03-04T12:00:00.6Z"))).toThrow();
  });
});
