// Pure schedule math: when a project's drill was last due, and whether the
// proof is overdue (no passing drill within one period plus the grace).
import { periodSeconds, previousFire } from "../schedule/cron.ts";
import { secondsBetween } from "../words/seconds.ts";

/** A scheduled drill is due when a fire time has passed since the last one we acted on. */
export function dueFire(cron: string, lastHandled: Date | null, now: Date): Date | null {
  const prev = previousFire(cron, now);
  return lastHandled && prev <= lastHandled ? null : prev;
}

export function overdueReason(
  cron: string,
  graceSeconds: number,
  lastPassedAt: Date | null,
  since: Date,
  now: Date,
): string | null {
  const allowed = periodSeconds(cron, now) + graceSeconds;
  const from = lastPassedAt ?? since;
  const waited = secondsBetween(from, now);
  if (waited <= allowed) return null;
  return lastPassedAt
    ? `no passing drill since ${lastPassedAt.toISOString()} (schedule "${cron}" plus ${graceSeconds}s grace)`
    : `no passing drill since the project was created ${from.toISOString()} (schedule "${cron}" plus ${graceSeconds}s grace)`;
}

/**
 * Whether a project's first drill is due: it is fresh (a backup exists and has caught up), it has
 * databases, and no drill was ever queued for it. Alerts otherwise say "last passing drill: never"
 * until someone clicks.
 */
export function firstDrillDue(p: { status: string; databases: number; drills: number }): boolean {
  return p.status === "fresh" && p.databases > 0 && p.drills === 0;
}

/**
 * When the proof turns overdue (overdueReason answers non-null strictly after this instant), with the
 * period read at `now`: from the last passing drill (or `since`, the project's creation) plus one
 * period plus `graceSeconds`. For a cron whose gaps vary the scheduler rechecks with overdueReason at
 * this instant and moves the deadline when it is not overdue yet.
 */
export function overdueDeadline(cron: string, graceSeconds: number, lastPassedAt: Date | null, since: Date, now: Date): Date {
  const from = lastPassedAt ?? since;
  return new Date(from.getTime() + (periodSeconds(cron, now) + graceSeconds) * 1000);
}
