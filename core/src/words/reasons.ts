// Reasons that name a moment, stored stable and worded at read time. A silent
// project's reason is stored as "no heartbeat since <ISO time>": the row is not
// rewritten at every sweep, and whoever reads it (the API, an alert) says how
// long the silence has lasted at that moment, so the API and the dashboard's
// own clock agree.
//
//   stored:   no heartbeat since 2026-11-29T10:31:02.000Z (grace 2 min): is the agent running?
//   rendered: no heartbeat for 42s (grace 2 min): is the agent running?
import { formatDuration } from "./duration.ts";
import { markControls } from "../control.ts";
import { secondsBetween } from "./seconds.ts";

const ISO = "(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z)";

/** "no heartbeat since <ISO>" / "no Litestream ping since <ISO>", for a reason to be stored. */
export function silentSince(what: "heartbeat" | "Litestream ping", since: Date): string {
  return `no ${what} since ${since.toISOString()}`;
}

/** "Litestream pinged at <ISO>", for a reason to be stored. */
export function pingedAt(at: Date): string {
  return `Litestream pinged at ${at.toISOString()}`;
}

/** "newest LTX file written <ISO>" (the core's storage listing, freshness/agentless.ts), for a reason to be stored. */
export function ltxWrittenAt(at: Date): string {
  return `newest LTX file written ${at.toISOString()}`;
}

const secondsSince = (iso: string, now: Date) => secondsBetween(new Date(iso), now);

/**
 * A stored reason as read at `now`: the moments above become durations; controls and bidi overrides from
 * reported text (an agent's error, a name) are marked "�" (control.ts markControls; line breaks kept), for
 * reasons stored before any check too; the rest is left as it is. Every view of a reason (incidents,
 * statusReasons, alerts) reads it through here.
 */
export function renderReason(reason: string, now: Date): string {
  return markControls(reason, true)
    .replace(new RegExp(`no (heartbeat|Litestream ping) since ${ISO}`, "g"), (_m, what: string, iso: string) => `no ${what} for ${formatDuration(secondsSince(iso, now))}`)
    .replace(new RegExp(`Litestream pinged at ${ISO}`, "g"), (_m, iso: string) => `Litestream pinged ${formatDuration(secondsSince(iso, now))} ago`)
    .replace(new RegExp(`newest LTX file written ${ISO}`, "g"), (_m, iso: string) => `newest LTX file written ${formatDuration(secondsSince(iso, now))} ago`);
}

export function renderReasons(reasons: string[], now: Date): string[] {
  return reasons.map((r) => renderReason(r, now));
}
