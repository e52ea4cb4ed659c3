// The pause decision without I/O (alerts/pause.ts): held while the window is
// on, quiet for what came and went inside it, usual planning otherwise; and
// the window a request stores, with errors naming the field.
import { describe, expect, it } from "vitest";
import { isPaused, pauseDecision, pauseWindow } from "../../src/alerts/pause.ts";
import { pausedWords } from "../../src/words/pause.ts";

const at = (hhmm: string) => new Date(`2026-11-29T${hhmm}:00Z`);
const WINDOW = { pausedAt: at("13:00"), pausedUntil: at("14:00") };
const NEVER = { pausedAt: null, pausedUntil: null };

describe("pauseDecision", () => {
  it("holds every incident, open or resolved, announced or not, while the window is on", () => {
    for (const resolvedAt of [null, at("13:20"), at("12:30")]) {
      for (const announced of [false, true]) expect(pauseDecision({ resolvedAt }, WINDOW, [], announced, at("13:30"))).toBe("hold");
    }
  });

  it("an incident that ended inside the window and was never announced is quiet once it ends, whether by time or DELETE", () => {
    expect(pauseDecision({ resolvedAt: at("13:20") }, WINDOW, [], false, at("14:00"))).toBe("quiet");
    expect(pauseDecision({ resolvedAt: at("13:20") }, WINDOW, [], false, at("20:00"))).toBe("quiet");
    // Opened before the window (within its confirmation delay), ended inside it.
    expect(pauseDecision({ resolvedAt: at("13:00") }, WINDOW, [], false, at("14:01"))).toBe("quiet");
    // DELETE at 13:40 stored the window's end as 13:40.
    expect(pauseDecision({ resolvedAt: at("13:39") }, { ...WINDOW, pausedUntil: at("13:40") }, [], false, at("13:41"))).toBe("quiet");
  });

  it("after the window: one still open, one announced before it, one ended outside it are planned as usual", () => {
    expect(pauseDecision({ resolvedAt: null }, WINDOW, [], false, at("14:00"))).toBeNull();
    expect(pauseDecision({ resolvedAt: at("13:20") }, WINDOW, [], true, at("14:00"))).toBeNull();
    expect(pauseDecision({ resolvedAt: at("12:59") }, WINDOW, [], false, at("14:00"))).toBeNull();
    expect(pauseDecision({ resolvedAt: at("14:01") }, WINDOW, [], false, at("14:02"))).toBeNull();
  });

  it("an incident that ended inside an earlier window stays quiet after a new window", () => {
    const earlier = [{ from: "2026-11-29T10:00:00.000Z", until: "2026-11-29T11:00:00.000Z" }];
    const now = { pausedAt: at("13:00"), pausedUntil: at("13:30") };
    expect(pauseDecision({ resolvedAt: at("10:30") }, now, earlier, false, at("13:40"))).toBe("quiet");
    expect(pauseDecision({ resolvedAt: at("11:30") }, now, earlier, false, at("13:40"))).toBeNull();
  });

  it("a project never paused is planned as usual", () => {
    expect(pauseDecision({ resolvedAt: null }, NEVER, [], false, at("13:30"))).toBeNull();
    expect(isPaused(NEVER, at("13:30"))).toBe(false);
    expect(isPaused(WINDOW, at("13:30"))).toBe(true);
    expect(isPaused(WINDOW, at("14:00"))).toBe(false);
  });
});

describe("pauseWindow", () => {
  it("starts now, or keeps the start of a window still on (so what ended earlier in it stays quiet)", () => {
    expect(pauseWindow(NEVER, [], at("15:00"), at("13:30"))).toEqual({ pausedAt: at("13:30"), pausedUntil: at("15:00"), pausedBefore: [] });
    expect(pauseWindow(WINDOW, [], at("15:00"), at("13:30"))).toEqual({ pausedAt: at("13:00"), pausedUntil: at("15:00"), pausedBefore: [] });
    // The ended window is remembered, and one ended more than a day ago forgotten.
    const old = { from: "2026-11-27T10:00:00.000Z", until: "2026-11-27T11:00:00.000Z" };
    expect(pauseWindow(WINDOW, [old], at("15:00"), at("14:30"))).toEqual({
      pausedAt: at("14:30"),
      pausedUntil: at("15:00"),
      pausedBefore: [{ from: "2026-11-29T13:00:00.000Z", until: "2026-11-29T14:00:00.000Z" }],
    });
  });

  it("refuses a time not in the future, more than 30 days ahead, or unreadable, naming body/until", () => {
    expect(() => pauseWindow(NEVER, [], at("13:30"), at("13:30"))).toThrow(/^body\/until must be in the future/);
    expect(() => pauseWindow(NEVER, [], new Date(at("13:30").getTime() + 30 * 86_400_000 + 1000), at("13:30"))).toThrow("body/until must be at most 30 days ahead");
    expect(pauseWindow(NEVER, [], new Date(at("13:30").getTime() + 30 * 86_400_000), at("13:30")).pausedUntil).toEqual(new Date("2026-12-29T13:30:00Z"));
    expect(() => pauseWindow(NEVER, [], new Date("nope"), at("13:30"))).toThrow("body/until must be an ISO 8601 date-time");
  });
});

describe("pausedWords", () => {
  it("says until when in UTC, with the day when it is not today, then the reason", () => {
    expect(pausedWords(at("14:00"), "migrating", at("13:10"))).toBe("paused until 14:00 UTC: migrating");
    expect(pausedWords(at("14:00"), null, at("13:10"))).toBe("paused until 14:00 UTC");
    expect(pausedWords(new Date("2026-12-01T09:30:00Z"), "move to new host", at("13:10"))).toBe("paused until 2026-12-01 09:30 UTC: move to new host");
  });
});
