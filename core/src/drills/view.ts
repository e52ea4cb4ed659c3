import { parseJson } from "../store/json.ts";
import { markControls } from "../control.ts";
import type { DrillReport } from "./report.ts";

interface DrillRow {
  id: string;
  projectId: string;
  databaseName: string | null;
  timestamp: Date | null;
  status: string;
  trigger: string;
  attempts: number;
  workerId?: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  progress: string | null;
  report: string | null;
}

const text = (s: string) => markControls(s, true);

/**
 * Pure: the report with controls and bidi overrides in its text marked (control.ts markControls): its
 * warnings, failures, error and table names come from what the agent reported and from the restored
 * database's own tables, and rows stored before this check still hold them raw. Names stay one line.
 */
export function shownReport(r: DrillReport): DrillReport {
  return {
    ...r,
    tables: Object.fromEntries(Object.entries(r.tables ?? {}).map(([name, n]) => [markControls(name), n])),
    integrity: text(r.integrity ?? ""),
    assertions: (r.assertions ?? []).map((a) => (a.error === undefined ? a : { ...a, error: text(a.error) })),
    warnings: (r.warnings ?? []).map(text),
    failures: (r.failures ?? []).map(text),
    ...(r.error !== undefined ? { error: text(r.error) } : {}),
  };
}

/** A drill as the API shows it (reported text marked: shownReport). */
export function drillView(d: DrillRow) {
  return {
    id: d.id,
    projectId: d.projectId,
    database: d.databaseName,
    timestamp: d.timestamp,
    status: d.status,
    trigger: d.trigger,
    attempts: d.attempts,
    workerId: d.workerId ?? null,
    queuedAt: d.queuedAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    progress: parseJson<{ step: string; message: string; at: string }[]>(d.progress, []).map((p) => ({ ...p, message: text(p.message) })),
    report: ((r) => (r ? shownReport(r) : null))(parseJson<DrillReport | null>(d.report, null)),
  };
}
