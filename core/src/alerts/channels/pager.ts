// What a pager (PagerDuty, Opsgenie) is told: an alert is raised while an
// incident is open (opened, reminder: the same key again, which the pager
// deduplicates) and closed when it ends (resolved, missed, and each incident
// of a summary), keyed by the incident id so the close finds the raise. A test
// raises and closes its own key at once: the receiver sees the format, and
// nothing is left open.
import type { AlertContext } from "../message.ts";
import { PermanentDeliveryError } from "../errors.ts";
import { incidentsOf } from "./text.ts";

export interface PagerAction {
  action: "raise" | "close";
  /** The incident id (or a test's own key). */
  key: string;
  /** The context the action is about: one incident's. */
  about: AlertContext;
}

const RAISE = new Set(["opened", "reminder"]);

/** Pure: the pager actions, in order, for one message. */
export function pagerActions(c: AlertContext): PagerAction[] {
  if (c.event === "test") {
    const key = `borela-test-${c.project.id}-${c.now.getTime()}`;
    return [
      { action: "raise", key, about: c },
      { action: "close", key, about: c },
    ];
  }
  const action = RAISE.has(c.event) ? "raise" : "close";
  return incidentsOf(c).map((i) => {
    if (!i.incidentId) throw new PermanentDeliveryError(`a ${c.event} message about ${c.project.name} names no incident to key the pager alert with`);
    return { action, key: i.incidentId, about: i };
  });
}
