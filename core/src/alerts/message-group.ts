// A grouped message (grouping.ts): several databases of one project in one alert, each with its own
// reason and duration; the group's words never pretend one database speaks for all.
import { formatDuration } from "../words/duration.ts";
import { secondsBetween } from "../words/seconds.ts";
import type { AlertContext } from "./alert-context.ts";

/** The databases of a grouped message (grouping.ts), each with its own context; null for one incident, a summary or a test. */
export function groupItems(c: AlertContext): AlertContext[] | null {
  return c.event !== "summary" && c.event !== "test" && (c.items?.length ?? 0) > 1 ? c.items! : null;
}

export function ownDuration(c: AlertContext): string {
  return formatDuration(secondsBetween(c.startedAt, c.resolvedAt ?? c.now));
}

/**
 * From when the trouble began to when it ended (or now, while open). A group whose databases lasted
 * differently says the range ("1 min to 5 min"): the earliest start to the latest end is no database's own.
 */
export function lastedFor(c: AlertContext): string {
  const group = groupItems(c);
  if (!group) return ownDuration(c);
  const spans = group.map((i) => secondsBetween(i.startedAt, i.resolvedAt ?? i.now));
  const [shortest, longest] = [formatDuration(Math.min(...spans)), formatDuration(Math.max(...spans))];
  return shortest === longest ? longest : `${shortest} to ${longest}`;
}

/**
 * A group's reasons when its databases have different ones: each database with its own ("app: disk
 * full; lt: credentials refused") when that fits `max`, else how many reasons ("2 reasons, one per
 * database below"). Null when there is one reason for all (or no group): the caller words that one.
 */
export function groupReasons(c: AlertContext, max: number, clause: (reason: string) => string): string | null {
  const group = groupItems(c);
  if (!group) return null;
  const own = group.map((i) => clause(i.reason));
  const distinct = new Set(own).size;
  if (distinct === 1) return null;
  const each = group.map((i, n) => `${i.database ?? i.project.name}: ${own[n]}`).join("; ");
  return each.length <= max ? each : `${distinct} reasons, one per database (see each)`;
}
