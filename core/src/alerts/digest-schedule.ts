// When the weekly digest is due (pure). BORELA_DIGEST_CRON (UTC, default
// Monday 08:00) says when; the ISO week of that fire names the digest, so at
// most one goes out per week whatever the cron and however many cores run.
import { previousFire } from "../schedule/cron.ts";

/** A core that was down at the fire time still sends the digest within this window. */
const DIGEST_CATCH_UP_MS = 86_400_000;

/** "2026-W48": the ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(d: Date): string {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

export interface DigestDue {
  fireAt: Date;
  week: string;
}

export function digestDue(cron: string, now: Date): DigestDue | null {
  const fireAt = previousFire(cron, now);
  if (now.getTime() - fireAt.getTime() > DIGEST_CATCH_UP_MS) return null;
  return { fireAt, week: isoWeek(fireAt) };
}

/**
 * True when a claimed digest (its ISO week, when it was claimed) that no core has sent should be given up
 * on at `now`: its week is over and the catch-up day since its claim has passed (the next week's digest
 * takes over). A digest only a core that is gone could send (the others have no SMTP or no recipients)
 * does not wait forever.
 */
export function digestExpired(week: string, claimedAt: Date, now: Date): boolean {
  return isoWeek(now) !== week && now.getTime() - claimedAt.getTime() >= DIGEST_CATCH_UP_MS;
}
