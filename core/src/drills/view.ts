import { parseJson } from "../store/json.ts";
import type { DrillReport } from "./report.ts";

interface DrillRow {
  id: string;
  projectId: string;
  databaseName: string | null;
  timestamp: Date | null;
  status: string;
  trigger: string;
  attempts: number;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  progress: string | null;
  report: string | null;
}

/** A drill as the API shows it. */
export function drillView(d: DrillRow) {
  return {
    id: d.id,
    projectId: d.projectId,
    database: d.databaseName,
    timestamp: d.timestamp,
    status: d.status,
    trigger: d.trigger,
    attempts: d.attempts,
    queuedAt: d.queuedAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    progress: parseJson<{ step: string; message: string; at: string }[]>(d.progress, []),
    report: parseJson<DrillReport | null>(d.report, null),
  };
}
