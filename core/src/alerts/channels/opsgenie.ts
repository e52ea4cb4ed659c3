// Opsgenie Alert API (https://docs.opsgenie.com/docs/alert-api): create an
// alert while an incident is open (alias = the incident id, so a reminder is
// deduplicated) and close it by alias when the incident ends (pager.ts).
// Opsgenie shows these fields as plain text. Authorization: GenieKey <API key>.
//
// Target: "<API key>" of an API integration (a UUID); an API URL may come first
// (https://api.eu.opsgenie.com/<key> for the EU instance), https://api.opsgenie.com by default.
import { textBody } from "../email-body.ts";
import { subject, where, type AlertContext } from "../message.ts";
import { pagerActions, pagerProvider, type PagerAction } from "./pager.ts";
import { keyedApi } from "./keyed.ts";
import { clip, oneLine } from "./text.ts";

const API = "https://api.opsgenie.com";
const api = keyedApi("opsgenie", API, [{ name: "API key", pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, example: "eb243592-faa2-4ba2-a551-1afdf565c889" }]);

const PRIORITY: Record<string, string> = { error: "P1", drill_failed: "P2", silent: "P2", stale: "P2", drill_overdue: "P3", test: "P5" };

export interface OpsgenieRequest {
  action: "create" | "close";
  alias: string;
  /** Path and query under the API base. */
  path: string;
  body: Record<string, unknown>;
}

function request(a: PagerAction): OpsgenieRequest {
  const c = a.about;
  if (a.action === "close") {
    return { action: "close", alias: a.key, path: `/v2/alerts/${encodeURIComponent(a.key)}/close?identifierType=alias`, body: { source: "Borela", user: "Borela", note: clip(oneLine(subject(c)), 25_000) } };
  }
  return {
    action: "create",
    alias: a.key,
    path: "/v2/alerts",
    body: {
      message: clip(oneLine(subject(c)), 130),
      alias: a.key,
      description: clip(textBody(c), 15_000),
      priority: PRIORITY[c.kind] ?? "P2",
      source: "Borela",
      entity: clip(where(c), 512),
      tags: ["borela", c.kind],
      details: { project: c.project.name, database: c.database ?? "", kind: c.kind, dashboard: c.dashboardUrl },
    },
  };
}

/** The requests to make, in order. */
export function opsgenieRequests(c: AlertContext): OpsgenieRequest[] {
  return pagerActions(c).map(request);
}

export const opsgenie = pagerProvider(
  api,
  "The API key of an Opsgenie API integration (https://api.eu.opsgenie.com/<key> for the EU instance); the alert closes itself when Borela's incident does.",
  (c) => opsgenieRequests(c),
  (c, base, key) => opsgenieRequests(c).map((r) => ({ label: `${r.action} ${r.alias}`, url: `${base}${r.path}`, headers: { authorization: `GenieKey ${key}` }, payload: r.body })),
);
