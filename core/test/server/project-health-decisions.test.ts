// The pure decisions behind the project's second answer (drillStatus), the
// first drill, the next scheduled drill, the badge text and "will someone hear".
import { describe, expect, it } from "vitest";
import { drillStatus } from "../../src/drills/drill-status.ts";
import { firstDrillDue } from "../../src/drills/schedule.ts";
import { nextFire } from "../../src/schedule/cron.ts";
import { badgeMessage, BADGE_COLOURS } from "../../src/server/routes/badge.ts";
import { alertingView } from "../../src/server/alerting-view.ts";

describe("drillStatus", () => {
  it("is none before any drill, passed after one, failed when any database's last drill failed", () => {
    expect(drillStatus([], [])).toBe("none");
    expect(drillStatus([], ["passed"])).toBe("passed");
    expect(drillStatus([], ["passed", "failed"])).toBe("failed");
    expect(drillStatus([], ["error"])).toBe("failed");
  });
  it("is failed while a drill_failed incident is open, overdue while drill_overdue is, failed winning", () => {
    expect(drillStatus(["drill_failed"], ["passed"])).toBe("failed");
    expect(drillStatus(["drill_overdue"], ["passed"])).toBe("overdue");
    expect(drillStatus(["drill_overdue"], [])).toBe("overdue");
    expect(drillStatus(["drill_overdue", "drill_failed"], [])).toBe("failed");
    expect(drillStatus(["stale", "silent"], ["passed"])).toBe("passed");
  });
});

describe("first drill and schedule", () => {
  it("is due only for a fresh project with databases and no drill ever", () => {
    expect(firstDrillDue({ status: "fresh", databases: 2, drills: 0 })).toBe(true);
    expect(firstDrillDue({ status: "fresh", databases: 2, drills: 1 })).toBe(false);
    expect(firstDrillDue({ status: "unknown", databases: 1, drills: 0 })).toBe(false);
    expect(firstDrillDue({ status: "stale", databases: 1, drills: 0 })).toBe(false);
    expect(firstDrillDue({ status: "fresh", databases: 0, drills: 0 })).toBe(false);
  });
  it("reads the cron in UTC for the next drill", () => {
    // Wednesday 2026-11-25 09:00 UTC; "48 11 * * 6" is Saturdays 11:48 UTC.
    expect(nextFire("48 11 * * 6", new Date("2026-11-25T09:00:00Z")).toISOString()).toBe("2026-11-28T11:48:00.000Z");
    expect(nextFire("48 11 * * 6", new Date("2026-11-28T11:48:00Z")).toISOString()).toBe("2026-12-05T11:48:00.000Z");
  });
});

describe("badge message", () => {
  it("adds a failed or overdue drill beside the freshness status, in the worse colour", () => {
    expect(badgeMessage("fresh", "passed")).toEqual({ message: "fresh", colour: BADGE_COLOURS.fresh });
    expect(badgeMessage("fresh", "none")).toEqual({ message: "fresh", colour: BADGE_COLOURS.fresh });
    expect(badgeMessage("fresh", "failed")).toEqual({ message: "fresh, drill failed", colour: BADGE_COLOURS.error });
    expect(badgeMessage("fresh", "overdue")).toEqual({ message: "fresh, drill overdue", colour: BADGE_COLOURS.stale });
    expect(badgeMessage("silent", "overdue")).toEqual({ message: "silent, drill overdue", colour: BADGE_COLOURS.silent });
    expect(badgeMessage("weird", "passed")).toEqual({ message: "unknown", colour: BADGE_COLOURS.unknown });
  });
});

describe("alerting view", () => {
  it("warns when nobody hears: no channel at all", () => {
    const v = alertingView([], [], true);
    expect(v.channels).toEqual([]);
    expect(v.warning).toMatch(/^No alert channel: nobody hears/);
  });
  it("warns when email is the only way and SMTP is not configured; a webhook still hears", () => {
    const email = { id: null, type: "email", target: "ops@example.com" };
    const hook = { id: "c1", type: "webhook", target: "https://example.com/h", projectId: "p1" };
    expect(alertingView([email], [], false)).toEqual({
      channels: [{ type: "email", target: "ops@example.com", source: "BORELA_ALERT_EMAIL", failing: null }],
      emailConfigured: false,
      warning: expect.stringMatching(/only to email, but no SMTP server is configured \(BORELA_SMTP_URL\): nobody hears/),
    });
    expect(alertingView([hook, email], ["ops@example.com"], false).warning).toMatch(/^Alert emails are not sent/);
    expect(alertingView([hook, email], ["ops@example.com"], true)).toMatchObject({ warning: null, channels: [{ source: "project" }, { source: "project emails" }] });
  });
  it("while paused, says alerts are held until the window ends, before any other warning", () => {
    const hook = { id: "c1", type: "webhook", target: "https://example.com/h", projectId: "p1" };
    const email = { id: null, type: "email", target: "ops@example.com" };
    expect(alertingView([hook], [], true, "paused until 14:00 UTC: migrating").warning).toBe("paused until 14:00 UTC: migrating — alerts are held until then.");
    expect(alertingView([hook, email], ["ops@example.com"], false, "paused until 14:00 UTC").warning).toBe(
      "paused until 14:00 UTC — alerts are held until then. Alert emails are not sent: no SMTP server is configured (BORELA_SMTP_URL). The other channels still hear.",
    );
    expect(alertingView([hook], [], true, null).warning).toBeNull();
  });
});
