// Pure: the store's rows at scrape time → gauge samples. Times are Unix
// seconds, ages and durations seconds, sizes bytes (Prometheus base units).
import { STATUSES } from "../freshness/severity.ts";
import { isPaused } from "../alerts/pause.ts";
import type { ScrapeRows } from "./scrape-rows.ts";
import { secondsBetween } from "../words/seconds.ts";

export type Labels = Record<string, string>;
export interface Sample {
  labels: Labels;
  value: number;
}

/** Every gauge a scrape exposes: name → help text and label names. */
export const GAUGES = {
  borela_project_status: { help: "1 for the project's current freshness status, 0 for the others", labels: ["project", "status"] },
  borela_project_heartbeat_age_seconds: { help: "Seconds since the project's last heartbeat (absent before the first)", labels: ["project"] },
  borela_project_open_incidents: { help: "Open incidents of the project", labels: ["project"] },
  borela_project_paused: { help: "1 while the project's pause window is on (verdicts and incidents go on, alerts are held), 0 otherwise", labels: ["project"] },
  borela_project_paused_until_timestamp_seconds: { help: "Unix time the project's pause window ends (only while paused)", labels: ["project"] },
  borela_database_status: { help: "1 for the database's current freshness status, 0 for the others", labels: ["project", "database", "status"] },
  borela_database_heartbeat_age_seconds: { help: "Seconds since a heartbeat last reported the database (absent before the first)", labels: ["project", "database"] },
  borela_database_replication_lag_seconds: { help: "Seconds the oldest un-replicated change has waited (0 when every replica caught up)", labels: ["project", "database"] },
  borela_database_storage_bytes: { help: "Bytes the database's replicas hold in storage, as the agent reported", labels: ["project", "database"] },
  borela_drill_last_result: { help: "1 for the result of the database's last finished drill (passed, failed, error), 0 for the others", labels: ["project", "database", "result"] },
  borela_drill_last_timestamp_seconds: { help: "Unix time the database's last drill finished", labels: ["project", "database"] },
  borela_drill_last_success_timestamp_seconds: { help: "Unix time the database's last passing drill finished", labels: ["project", "database"] },
  borela_drill_last_rto_seconds: { help: "Restore duration (RTO) of the database's last drill", labels: ["project", "database"] },
  borela_drill_last_rpo_seconds: { help: "Restore point age (RPO) of the database's last drill", labels: ["project", "database"] },
} as const;

export type GaugeName = keyof typeof GAUGES;

const DRILL_RESULTS = ["passed", "failed", "error"] as const;

const unixSeconds = (t: string | Date) => new Date(t).getTime() / 1000;
const ageSeconds = (t: string | Date, now: Date) => Math.max(0, secondsBetween(new Date(t), now));

/** One sample per status: 1 for `current`, 0 for the others (an unknown value counts as its own label). */
function oneHot(base: Labels, key: string, values: readonly string[], current: string | null): Sample[] {
  const all = current && !values.includes(current) ? [...values, current] : values;
  return all.map((v) => ({ labels: { ...base, [key]: v }, value: v === current ? 1 : 0 }));
}

/** The samples of every gauge in GAUGES for these rows, at `now`. */
export function gaugeSamples(rows: ScrapeRows, now: Date): Record<GaugeName, Sample[]> {
  const out = Object.fromEntries(Object.keys(GAUGES).map((k) => [k, [] as Sample[]])) as Record<GaugeName, Sample[]>;
  const add = (name: GaugeName, labels: Labels, value: number | bigint | null | undefined) => {
    if (value !== null && value !== undefined) out[name].push({ labels, value: Number(value) });
  };
  for (const p of rows.projects) {
    const labels = { project: p.project };
    out.borela_project_status.push(...oneHot(labels, "status", STATUSES, p.status));
    if (p.lastHeartbeatAt) add("borela_project_heartbeat_age_seconds", labels, ageSeconds(p.lastHeartbeatAt, now));
    add("borela_project_open_incidents", labels, p.openIncidents ?? 0);
    const window = { pausedAt: p.pausedAt ? new Date(p.pausedAt) : null, pausedUntil: p.pausedUntil ? new Date(p.pausedUntil) : null };
    const paused = isPaused(window, now);
    add("borela_project_paused", labels, paused ? 1 : 0);
    if (paused) add("borela_project_paused_until_timestamp_seconds", labels, unixSeconds(window.pausedUntil!));
  }
  for (const d of rows.databases) {
    const labels = { project: d.project, database: d.database };
    out.borela_database_status.push(...oneHot(labels, "status", STATUSES, d.status));
    if (d.lastHeartbeatAt) add("borela_database_heartbeat_age_seconds", labels, ageSeconds(d.lastHeartbeatAt, now));
    add("borela_database_replication_lag_seconds", labels, d.pendingSince ? ageSeconds(d.pendingSince, now) : 0);
    add("borela_database_storage_bytes", labels, d.storageBytes ?? 0);
    if (d.lastDrillStatus) out.borela_drill_last_result.push(...oneHot(labels, "result", DRILL_RESULTS, d.lastDrillStatus));
    if (d.lastDrillAt) add("borela_drill_last_timestamp_seconds", labels, unixSeconds(d.lastDrillAt));
    if (d.lastSuccessAt) add("borela_drill_last_success_timestamp_seconds", labels, unixSeconds(d.lastSuccessAt));
    add("borela_drill_last_rto_seconds", labels, d.restoreSeconds);
    add("borela_drill_last_rpo_seconds", labels, d.rpoSeconds);
  }
  return out;
}
