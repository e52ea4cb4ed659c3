// Cron math (5-field expressions, read in UTC): when a schedule last fired,
// when it fires next, and its period. Used by drill schedules and the weekly
// digest; imports nothing of theirs.
import { CronExpressionParser } from "cron-parser";

/** The latest fire time of `cron` at or before `now`. Throws cron-parser's error on a bad expression. */
export function previousFire(cron: string, now: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" }).prev().toDate();
}

/** The next fire time of `cron` strictly after `now`. */
export function nextFire(cron: string, now: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" }).next().toDate();
}

/** Seconds between the next two fire times after `now` (a cron's gaps may vary; this is the one ahead). */
export function periodSeconds(cron: string, now: Date): number {
  const expr = CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" });
  const next = expr.next().toDate();
  const after = expr.next().toDate();
  return (after.getTime() - next.getTime()) / 1000;
}
