// Pure: the settings that decide how the shared periodic jobs run (the sweep's period, the storage listing's,
// the alert timings and the digest), recorded with each lease a core takes (lease.ts recordSettings). Cores
// with different values silently behave per lease holder (t7 F5: a 5 s sweep ran every 15 s while the 15 s
// core held the lease); a core compares its own with the holders' and says so, once at start and in
// /healthz?details=true, and again whenever a peer that took a lease later differs (lease-gate.ts).
// SMTP and the alert recipients are not compared: a core without them hands each send to a peer with them
// (alerts/README.md), a set-up the docs describe, not a mismatch.
import type { Config } from "../config.ts";
import { currentHolder, type LeaseRow } from "./lease-terms.ts";

/** Setting name (the environment variable) → its value as shown. */
export type JobSettings = Record<string, string>;

/** What a lease's holder recorded when it took the lease. */
export interface HolderSettings {
  holder: string;
  settings: JobSettings;
}

type SharedConfig = Pick<Config, "sweepIntervalSeconds" | "listingIntervalSeconds" | "alertConfirmSeconds" | "alertReminderHours" | "alertRetrySeconds" | "digestCron">;

/** This core's shared-job settings, by variable name. */
export function jobSettings(config: SharedConfig): JobSettings {
  return {
    BORELA_SWEEP_INTERVAL_SECONDS: String(config.sweepIntervalSeconds),
    BORELA_LISTING_INTERVAL_SECONDS: String(config.listingIntervalSeconds),
    BORELA_ALERT_CONFIRM_SECONDS: typeof config.alertConfirmSeconds === "number" ? String(config.alertConfirmSeconds) : JSON.stringify(config.alertConfirmSeconds),
    BORELA_ALERT_REMINDER_HOURS: String(config.alertReminderHours),
    BORELA_ALERT_RETRY_SECONDS: String(config.alertRetrySeconds),
    BORELA_DIGEST_CRON: config.digestCron,
  };
}

/** The names whose values differ ("name=theirs (this core: ours)"); a name only one side knows is left out (another version). */
export function differences(ours: JobSettings, theirs: JobSettings): string[] {
  return Object.keys(ours)
    .filter((name) => Object.hasOwn(theirs, name) && theirs[name] !== ours[name])
    .map((name) => `${name}=${theirs[name]} (this core: ${ours[name]})`);
}

/**
 * The lease's problem as this core sees it at `now`: null when this core holds it, nobody does, the holder
 * recorded nothing, or its settings equal ours; else "core <holder> runs <lease> with <differences>".
 */
export function leaseSettingsProblem(row: LeaseRow, recorded: HolderSettings | undefined, ours: JobSettings, self: string, now: Date): string | null {
  const holder = currentHolder(row, now);
  if (!holder || holder === self || !recorded || recorded.holder !== holder) return null;
  const diff = differences(ours, recorded.settings);
  return diff.length === 0 ? null : `core ${holder} runs ${row.name} with ${diff.join(", ")}: cores on one store should share these settings`;
}

/** Pure: a stored record (JSON text) read back; undefined when it is not one (a hand-edited row). */
export function parseHolderSettings(text: string): HolderSettings | undefined {
  try {
    const v = JSON.parse(text) as HolderSettings;
    if (typeof v?.holder !== "string" || typeof v.settings !== "object" || v.settings === null) return undefined;
    return { holder: v.holder, settings: Object.fromEntries(Object.entries(v.settings).filter(([, s]) => typeof s === "string")) as JobSettings };
  } catch {
    return undefined;
  }
}
