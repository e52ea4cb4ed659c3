// PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
// POST /v2/enqueue, "trigger" while an incident is open and "resolve" when it
// ends, dedup_key = the incident id (pager.ts), so the PagerDuty incident
// resolves itself. PagerDuty shows these fields as plain text.
//
// Target: "<integration key>" (32 characters, the service's Events API v2
// integration); an API URL may come first ("http://127.0.0.1:8080/R0…"),
// https://events.pagerduty.com by default.
import { facts, subject, where, type AlertContext } from "../message.ts";
import { pagerActions, pagerProvider, type PagerAction } from "./pager.ts";
import { keyedApi } from "./keyed.ts";
import { clip, oneLine } from "./text.ts";

const API = "https://events.pagerduty.com";
const api = keyedApi("pagerduty", API, [{ name: "integration key", pattern: /^[A-Za-z0-9]{32}$/, example: "R0123456789abcdef0123456789abcde (32 characters)" }]);

const SEVERITY: Record<string, "critical" | "error" | "warning" | "info"> = { error: "critical", drill_failed: "critical", silent: "error", stale: "error", drill_overdue: "warning", test: "info" };

function event(a: PagerAction, routingKey: string) {
  if (a.action === "close") return { routing_key: routingKey, event_action: "resolve", dedup_key: a.key };
  const c = a.about;
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: a.key,
    payload: {
      summary: clip(oneLine(subject(c)), 1024),
      source: clip(where(c), 255),
      severity: SEVERITY[c.kind] ?? "error",
      timestamp: c.openedAt.toISOString(),
      component: c.database ?? undefined,
      group: c.project.name,
      class: c.kind,
      custom_details: { ...Object.fromEntries(facts(c)), "Restore commands": c.restoreCommands },
    },
    links: [{ href: c.dashboardUrl, text: "Open the dashboard" }],
    client: "Borela",
    client_url: c.dashboardUrl,
  };
}

/** The events to enqueue, in order. */
export function pagerdutyEvents(c: AlertContext, routingKey: string) {
  return pagerActions(c).map((a) => event(a, routingKey));
}

export const pagerduty = pagerProvider(
  api,
  "The integration key of a service's Events API v2 integration (32 characters); the incident resolves itself when Borela's does.",
  (c, target) => pagerdutyEvents(c, api.parse(target, true).keys[0]),
  (c, base, key) => pagerdutyEvents(c, key).map((e) => ({ label: `${e.event_action} ${e.dedup_key}`, url: `${base}/v2/enqueue`, payload: e })),
);
