// Cron math (5-field expressions, read in UTC): when a schedule last fired,
// when it fires next, and its period. Used by drill schedules and the weekly
// digest; imports nothing of theirs.
//
// A cron-parser parse costs ~170 µs (luxon underneath), and the drill scheduler and the project list ask
// the same expressions again and again with a clock that moved a little: each expression keeps the window
// of fire times around the last instant asked (cron-window.ts), and an instant strictly inside it is
// answered without parsing.
import { CronExpressionParser } from "cron-parser";
import { CronWindows, type CronWindow } from "./cron-window.ts";

function parsedWindow(cron: string, now: Date): CronWindow {
  const prev = CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" }).prev().getTime();
  const ahead = CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" });
  const next = ahead.next().getTime();
  return { prev, next, after: ahead.next().getTime() };
}

const windows = new CronWindows(parsedWindow);

/** The latest fire time of `cron` before `now` (strictly, as cron-parser answers). Throws cron-parser's error on a bad expression. */
export function previousFire(cron: string, now: Date): Date {
  return new Date(windows.at(cron, now).prev);
}

/** The next fire time of `cron` strictly after `now`. */
export function nextFire(cron: string, now: Date): Date {
  return new Date(windows.at(cron, now).next);
}

/** Seconds between the next two fire times after `now` (a cron's gaps may vary; this is the one ahead). */
export function periodSeconds(cron: string, now: Date): number {
  const w = windows.at(cron, now);
  return (w.after - w.next) / 1000;
}
