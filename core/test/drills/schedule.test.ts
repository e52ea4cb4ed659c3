// Schedule math: last fire, period, due fires, and when the proof is overdue.
import { describe, expect, it } from "vitest";
import { dueFire, overdueReason } from "../../src/drills/schedule.ts";
import { periodSeconds, previousFire } from "../../src/schedule/cron.ts";

const WEEKLY = "30 3 * * 1"; // Mondays 03:30 UTC
const at = (iso: string) => new Date(iso);

describe("drill schedule", () => {
  it("finds the previous fire and the period of a cron expression (UTC)", () => {
    expect(previousFire(WEEKLY, at("2026-03-04T12:00:00Z")).toISOString()).toBe("2026-03-02T03:30:00.000Z");
    expect(periodSeconds(WEEKLY, at("2026-03-04T12:00:00Z"))).toBe(7 * 86_400);
    expect(periodSeconds("*/15 * * * *", at("2026-03-04T12:00:00Z"))).toBe(900);
  });

  it("is due once per fire: not again until the next fire passes", () => {
    const now = at("2026-03-04T12:00:00Z");
    expect(dueFire(WEEKLY, null, now)?.toISOString()).toBe("2026-03-02T03:30:00.000Z");
    expect(dueFire(WEEKLY, at("2026-03-02T03:30:00Z"), now)).toBeNull();
    expect(dueFire(WEEKLY, at("2026-03-02T03:30:00Z"), at("2026-03-09T03:30:01Z"))?.toISOString()).toBe("2026-03-09T03:30:00.000Z");
  });

  it("is overdue only after one period plus the grace without a passing drill", () => {
    const grace = 3600;
    const passed = at("2026-03-02T04:00:00Z");
    const limit = passed.getTime() + (7 * 86_400 + grace) * 1000;
    expect(overdueReason(WEEKLY, grace, passed, at("2026-01-01T00:00:00Z"), new Date(limit))).toBeNull();
    expect(overdueReason(WEEKLY, grace, passed, at("2026-01-01T00:00:00Z"), new Date(limit + 1000))).toBe(
      `no passing drill since 2026-03-02T04:00:00.000Z (schedule "${WEEKLY}" plus 3600s grace)`,
    );
  });

  it("counts from the project's creation when no drill ever passed", () => {
    const created = at("2026-03-01T00:00:00Z");
    expect(overdueReason(WEEKLY, 0, null, created, at("2026-03-05T00:00:00Z"))).toBeNull();
    expect(overdueReason(WEEKLY, 0, null, created, at("2026-03-09T00:00:00Z"))).toMatch(/^no passing drill since the project was created 2026-03-01T00:00:00.000Z/);
  });
});
