// What a pager (PagerDuty, Opsgenie) is told: an alert is raised while an
// incident is open (opened, reminder: the same key again, which the pager
// deduplicates) and closed when it ends (resolved, missed, and each incident
// of a summary), keyed by the incident id so the close finds the raise. A test
// raises and closes its own key at once: the receiver sees the format, and
// nothing is left open.
import type { AlertContext } from "../message.ts";
import { PermanentDeliveryError } from "../errors.ts";
import { keyTail } from "./display.ts";
import { postJson } from "./http.ts";
import type { KeyedApi } from "./keyed.ts";
import type { Provider, Senders } from "./provider.ts";
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

/** One request to the pager's API: `label` names it in the answer ("close <alias>", "trigger <dedup key>"). */
export interface PagerCall {
  label: string;
  url: string;
  headers?: Record<string, string>;
  payload: unknown;
}

/** POSTs each call as JSON, in order, stopping at the first that throws; "<label>: HTTP 202 from <host>; …". */
async function sendEach(calls: PagerCall[], s: Senders): Promise<string> {
  const answers: string[] = [];
  for (const call of calls) answers.push(`${call.label}: ${await postJson(s, call.url, call.payload, call.headers)}`);
  return answers.join("; ");
}

/**
 * A pager's provider: its target is one API key (after an optional API base, `api`), shown by the key's
 * tail; its alerts close when the incident ends. `calls`: the requests for a message, given the target's
 * API base and key, sent in order (sendEach).
 */
export function pagerProvider(api: KeyedApi, targetHelp: string, render: Provider["render"], calls: (c: AlertContext, base: string, key: string) => PagerCall[]): Provider {
  return {
    targetHelp,
    secret: null,
    resolves: "closes",
    checkTarget: api.checkTarget,
    display: (target) => api.display(target, (keys) => `key ${keyTail(keys[0])}`),
    render,
    send(channel, c, s) {
      const { base, keys } = api.parse(channel.target, s.allowPrivateTargets ?? false);
      return sendEach(calls(c, base, keys[0]), s);
    },
  };
}
