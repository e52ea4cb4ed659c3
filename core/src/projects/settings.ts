// Pure rules for a project's settings: defaults and validation.
import { createHash } from "node:crypto";
import { CronExpressionParser } from "cron-parser";

/** Weekly, at a time spread by the project's id so drills of many projects do not all start at once. */
export function defaultDrillSchedule(projectId: string): string {
  const h = createHash("sha256").update(projectId).digest();
  const minute = h[0] % 60;
  const hour = h[1] % 24;
  const weekday = h[2] % 7;
  return `${minute} ${hour} * * ${weekday}`;
}

/** Returns an error message naming the value, or null when the cron expression is valid. */
export function cronError(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `drillSchedule ${JSON.stringify(expression)} must have 5 cron fields (minute hour day month weekday)`;
  try {
    CronExpressionParser.parse(expression, { tz: "UTC" });
    return null;
  } catch (err) {
    return `drillSchedule ${JSON.stringify(expression)} is not a valid cron expression: ${(err as Error).message}`;
  }
}
