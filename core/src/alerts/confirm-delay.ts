// How long an incident must stay open before its first alert, per kind: a
// flap guard for the kinds that come and go (stale, silent), none for errors
// unless asked for.
//
//   BORELA_ALERT_CONFIRM_SECONDS=60                 every kind but error waits 60 s
//   BORELA_ALERT_CONFIRM_SECONDS=stale=60,silent=120 per kind; the others wait 0 s
//   BORELA_ALERT_CONFIRM_SECONDS=30,error=5         both: a default, then exceptions
import { INCIDENT_KINDS, type IncidentKind } from "../incidents/kinds.ts";

export interface ConfirmDelays {
  /** Seconds for every kind not named in byKind, except error. */
  default: number;
  byKind: Partial<Record<IncidentKind, number>>;
}

const MAX_SECONDS = 86_400;

export function parseConfirmDelays(raw: string | undefined, name = "BORELA_ALERT_CONFIRM_SECONDS"): ConfirmDelays {
  const delays: ConfirmDelays = { default: 0, byKind: {} };
  if (raw === undefined || raw.trim() === "") return delays;
  for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [kind, value] = part.includes("=") ? part.split("=", 2).map((s) => s.trim()) : [null, part];
    const seconds = Number(value);
    if (!/^\d+$/.test(value) || seconds > MAX_SECONDS) {
      throw new Error(`${name}=${JSON.stringify(raw)}: ${JSON.stringify(value)} is not a whole number of seconds between 0 and ${MAX_SECONDS}`);
    }
    if (kind === null) delays.default = seconds;
    else if ((INCIDENT_KINDS as readonly string[]).includes(kind)) delays.byKind[kind as IncidentKind] = seconds;
    else throw new Error(`${name}=${JSON.stringify(raw)}: unknown incident kind ${JSON.stringify(kind)} (expected one of ${INCIDENT_KINDS.join(", ")})`);
  }
  return delays;
}

/** A plain number (the config's original form) is the default for every kind but error. */
export function confirmSecondsFor(kind: IncidentKind, setting: number | ConfirmDelays): number {
  const delays = typeof setting === "number" ? { default: setting, byKind: {} } : setting;
  const named = delays.byKind[kind];
  if (named !== undefined) return named;
  return kind === "error" ? 0 : delays.default;
}
