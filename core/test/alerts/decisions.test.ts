// The pure alert decisions: which notification is due for a channel, the
// confirmation delay per kind, retries, dedupe keys, the digest schedule.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dueNotifications, MAX_DELIVERY_ATTEMPTS, retryDelayMs, type ChannelHistory } from "../../src/alerts/decisions.ts";
import { confirmSecondsFor, parseConfirmDelays } from "../../src/alerts/confirm-delay.ts";
import { afterAttempt } from "../../src/alerts/attempt.ts";
import { deliveryKey, emailTargetOf, messageOrder, parseDeliveryKey } from "../../src/alerts/delivery-key.ts";
import { digestDue, isoWeek } from "../../src/alerts/digest-schedule.ts";

const t0 = new Date("2026-11-02T10:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const timing = { confirmSeconds: 60, reminderHours: 24 };
const HOUR = 3600;
const DAY = 86_400;
const fresh: ChannelHistory = { openedClaimedAt: null, createdAt: null };
const told = (s: number): ChannelHistory => ({ openedClaimedAt: at(s), createdAt: null });
const due = (...args: Parameters<typeof dueNotifications>) => dueNotifications(...args).map((n) => `${n.event}:${n.seq}`);

describe("dueNotifications", () => {
  it.each([
    ["nothing inside the confirmation delay", { openedAt: t0, resolvedAt: null }, fresh, false, at(59), []],
    ["opened once the delay has passed", { openedAt: t0, resolvedAt: null }, fresh, false, at(60), ["opened:0"]],
    ["nothing more once this channel was told", { openedAt: t0, resolvedAt: null }, told(61), true, at(2 * HOUR), []],
    ["first reminder after the cadence", { openedAt: t0, resolvedAt: null }, told(61), true, at(DAY), ["reminder:1"]],
    ["the third reminder on day three", { openedAt: t0, resolvedAt: null }, told(61), true, at(3 * DAY + 5), ["reminder:3"]],
    ["resolved within the delay and never told: nothing at all", { openedAt: t0, resolvedAt: at(30) }, fresh, false, at(90), []],
    ["resolved after being told: resolved", { openedAt: t0, resolvedAt: at(600) }, told(61), true, at(601), ["resolved:0"]],
    ["resolved, no reminder any more", { openedAt: t0, resolvedAt: at(2 * DAY) }, told(61), true, at(3 * DAY), ["resolved:0"]],
    ["resolved before anybody was told, after the delay: one missed notice (summed up per channel), not a pair", { openedAt: t0, resolvedAt: at(600) }, fresh, false, at(601), ["missed:0"]],
    ["resolved, others were told but this channel, there all along, never heard it (email not configured yet): missed", { openedAt: t0, resolvedAt: at(600) }, fresh, true, at(601), ["missed:0"]],
    ["resolved, others were told and this channel was added while it was open: nothing", { openedAt: t0, resolvedAt: at(600) }, { openedClaimedAt: null, createdAt: at(300) }, true, at(601), []],
  ] as const)("%s", (_label, incident, channel, announced, now, expected) => {
    expect(due(incident, channel, announced, timing, now)).toEqual(expected);
  });

  it("announces errors at once with a zero confirmation delay", () => {
    expect(due({ openedAt: t0, resolvedAt: null }, fresh, false, { confirmSeconds: 0, reminderHours: 24 }, t0)).toEqual(["opened:0"]);
  });

  it("a channel created after the incident resolved hears nothing of it", () => {
    const channel = { openedClaimedAt: null, createdAt: at(700) };
    expect(due({ openedAt: t0, resolvedAt: at(600) }, channel, false, timing, at(800))).toEqual([]);
  });

  it("a channel added while an incident is open hears it opened, then only later reminders", () => {
    const incident = { openedAt: t0, resolvedAt: null };
    const channel = { openedClaimedAt: null, createdAt: at(3 * DAY + 100) };
    expect(due(incident, channel, true, timing, at(3 * DAY + 200))).toEqual(["opened:0"]);
    const toldLate = { openedClaimedAt: at(3 * DAY + 200), createdAt: channel.createdAt };
    expect(due(incident, toldLate, true, timing, at(3 * DAY + 300))).toEqual([]);
    expect(due(incident, toldLate, true, timing, at(4 * DAY))).toEqual(["reminder:4"]);
  });

  it("over any clock, an open incident's reminders never come faster than the cadence", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 72 }), fc.array(fc.integer({ min: 1, max: 6 * HOUR }), { minLength: 1, maxLength: 200 }), (hours, steps) => {
        const t = { confirmSeconds: 0, reminderHours: hours };
        let now = 0;
        let history: ChannelHistory = fresh;
        const sent: number[] = [];
        for (const step of steps) {
          now += step;
          for (const n of dueNotifications({ openedAt: t0, resolvedAt: null }, history, true, t, at(now))) {
            if (n.event === "opened") history = told(now);
            if (n.event === "reminder" && sent.at(-1) !== n.seq) sent.push(n.seq);
          }
        }
        expect(sent.length).toBeLessThanOrEqual(Math.floor(now / (hours * HOUR)));
        expect([...sent].sort((a, b) => a - b)).toEqual(sent);
      }),
      { numRuns: 200 },
    );
  });
});

describe("confirmation delay per kind", () => {
  it("a plain number applies to every kind but error", () => {
    const d = parseConfirmDelays("60");
    expect((["stale", "silent", "drill_failed", "drill_overdue", "error"] as const).map((k) => confirmSecondsFor(k, d))).toEqual([60, 60, 60, 60, 0]);
    expect(confirmSecondsFor("error", 60)).toBe(0);
    expect(confirmSecondsFor("stale", 60)).toBe(60);
  });

  it("names kinds, with or without a default", () => {
    const d = parseConfirmDelays("30, stale=120, error=5");
    expect([confirmSecondsFor("stale", d), confirmSecondsFor("silent", d), confirmSecondsFor("error", d)]).toEqual([120, 30, 5]);
    expect(confirmSecondsFor("silent", parseConfirmDelays("stale=10"))).toBe(0);
    expect(parseConfirmDelays(undefined)).toEqual({ default: 0, byKind: {} });
  });

  it("refuses what it cannot read, naming the variable and the value", () => {
    expect(() => parseConfirmDelays("stale=soon")).toThrow('BORELA_ALERT_CONFIRM_SECONDS="stale=soon": "soon" is not a whole number');
    expect(() => parseConfirmDelays("stael=5")).toThrow('unknown incident kind "stael"');
    expect(() => parseConfirmDelays("-1")).toThrow('"-1" is not a whole number');
  });
});

describe("retries", () => {
  it("doubles from the base and stops at an hour", () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 5))).toEqual([5000, 10000, 20000, 40000]);
    expect(retryDelayMs(30, 5)).toBe(3_600_000);
  });

  it("a failed attempt is retried later and logged; success ends it; the last allowed attempt fails it for good", () => {
    const now = at(0);
    const failed = afterAttempt(1, "[]", { ok: false, detail: "connect ECONNREFUSED 127.0.0.1:2525" }, now, 5);
    expect(failed).toMatchObject({ status: "pending", nextAttemptAt: at(5), lastError: "connect ECONNREFUSED 127.0.0.1:2525" });
    const sent = afterAttempt(2, failed.log, { ok: true, detail: "250 OK" }, at(6), 5);
    expect(sent).toMatchObject({ status: "sent", sentAt: at(6), lastError: null });
    expect(JSON.parse(sent.log)).toEqual([
      { at: now.toISOString(), attempt: 1, ok: false, detail: "connect ECONNREFUSED 127.0.0.1:2525" },
      { at: at(6).toISOString(), attempt: 2, ok: true, detail: "250 OK" },
    ]);
    expect(afterAttempt(MAX_DELIVERY_ATTEMPTS, "[]", { ok: false, detail: "HTTP 500" }, now, 5).status).toBe("failed");
    expect(afterAttempt(1, "[]", { ok: false, detail: "no SMTP", permanent: true }, now, 5).status).toBe("failed");
  });
});

describe("delivery keys", () => {
  it("round-trip, alert-email addresses included", () => {
    const email = { id: null, type: "email", target: "ops@example.com,oncall@example.com" };
    const key = deliveryKey("inc1", email, "reminder", 3);
    expect(key).toBe("inc1:email:ops@example.com,oncall@example.com:reminder:3");
    const parsed = parseDeliveryKey(key)!;
    expect(parsed).toEqual({ incidentId: "inc1", channel: "email:ops@example.com,oncall@example.com", event: "reminder", seq: 3 });
    expect(emailTargetOf(parsed.channel)).toBe("ops@example.com,oncall@example.com");
    expect(parseDeliveryKey(deliveryKey("inc1", { id: "ch1", type: "webhook", target: "http://x" }, "opened", 0))).toMatchObject({ channel: "ch1" });
    expect(parseDeliveryKey("digest:2026-W48")).toBeNull();
  });

  it("order a channel's messages: opened, reminders, resolved", () => {
    expect([messageOrder("resolved", 0), messageOrder("reminder", 2), messageOrder("opened", 0), messageOrder("reminder", 1)].sort((a, b) => a - b)).toEqual([
      0,
      1,
      2,
      Number.MAX_SAFE_INTEGER,
    ]);
  });
});

describe("digest schedule", () => {
  it.each([
    ["2026-11-30T08:00:00Z", "2026-W49"],
    ["2026-01-01T00:00:00Z", "2026-W01"],
    ["2027-01-01T00:00:00Z", "2026-W53"],
    ["2024-12-30T12:00:00Z", "2025-W01"],
    ["2021-01-03T12:00:00Z", "2020-W53"],
  ])("ISO week of %s is %s", (iso, week) => {
    expect(isoWeek(new Date(iso))).toBe(week);
  });

  it("is due from Monday 08:00 UTC for a day, named by its ISO week", () => {
    const cron = "0 8 * * 1";
    expect(digestDue(cron, new Date("2026-11-30T08:00:30Z"))).toEqual({ fireAt: new Date("2026-11-30T08:00:00Z"), week: "2026-W49" });
    expect(digestDue(cron, new Date("2026-12-01T07:59:00Z"))?.week).toBe("2026-W49");
    expect(digestDue(cron, new Date("2026-12-01T08:01:00Z"))).toBeNull();
    expect(digestDue(cron, new Date("2026-11-29T12:00:00Z"))).toBeNull();
  });
});
