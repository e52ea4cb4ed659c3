// Issue 14: with SMTP down the delivery was pending after 4 failed attempts, yet "Will someone hear?"
// said "Yes: 1 channel" and alerting.warning was null. Pure: failing streaks and the warning they give.
import { describe, expect, it } from "vitest";
import { failingStreak, streakWords } from "../../src/alerts/channel-health.ts";
import { alertingView } from "../../src/server/alerting-view.ts";

const refused = "connect ECONNREFUSED 127.0.0.1:2614";
const at = (hhmm: string) => `2026-11-29T${hhmm}:00.000Z`;

describe("failingStreak: the failed attempts since a channel's last success", () => {
  it("counts back from the latest attempt across deliveries, in time order", () => {
    const entries = [
      { at: at("14:05"), ok: false, detail: refused },
      { at: at("13:00"), ok: true, detail: "250 OK" },
      { at: at("14:02"), ok: false, detail: "first" },
      { at: at("14:03"), ok: false, detail: refused },
      { at: at("14:04"), ok: false, detail: refused },
    ];
    expect(failingStreak(entries)).toEqual({ attempts: 4, since: new Date(at("14:02")), lastError: refused });
    expect(streakWords(failingStreak(entries)!)).toBe(`the last 4 attempts failed since 14:02: ${refused}`);
  });
  it("a channel whose latest attempt succeeded, or that never tried, is not failing", () => {
    expect(failingStreak([{ at: at("14:02"), ok: false, detail: refused }, { at: at("14:03"), ok: true, detail: "250 OK" }])).toBeNull();
    expect(failingStreak([])).toBeNull();
  });
});

describe("alerting view with a failing channel", () => {
  const streak = { attempts: 4, since: new Date(at("14:02")), lastError: refused };
  it("email as the only channel, SMTP configured but refusing: the warning says so", () => {
    const v = alertingView([{ id: null, type: "email", target: "ops@example.com", failing: streak }], [], true);
    expect(v.warning).toBe(`email: the last 4 attempts failed since 14:02: ${refused}. Nobody hears until it answers again.`);
    expect(v.channels[0]!.failing).toEqual(streak);
  });
  it("a failing webhook beside a working email: named with its target, the email still hears", () => {
    const v = alertingView(
      [
        { id: "c1", type: "webhook", target: "http://127.0.0.1:9/h", projectId: "p1", failing: { ...streak, attempts: 1 } },
        { id: null, type: "email", target: "ops@example.com", failing: null },
      ],
      [],
      true,
    );
    expect(v.warning).toBe(`webhook http://127.0.0.1:9/h…: the last attempt failed at 14:02: ${refused}.`);
  });
  it("no failures: no warning", () => {
    expect(alertingView([{ id: null, type: "email", target: "ops@example.com", failing: null }], [], true).warning).toBeNull();
  });
});
