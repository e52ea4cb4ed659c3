// What one alert is about, gathered once (context.ts) and worded by message.ts for every channel.
import type { AlertEvent } from "./decisions.ts";

export interface AlertContext {
  /** "summary": several incidents this channel missed, in `items`. */
  event: AlertEvent | "test" | "summary";
  /** The incident this message is about (PagerDuty's dedup_key, Opsgenie's alias); absent for tests, groups and summaries, whose items carry theirs. */
  incidentId?: string;
  project: { id: string; name: string };
  database: string | null;
  kind: string;
  reason: string;
  /** When the trouble began (condition-start.ts); openedAt or earlier. */
  startedAt: Date;
  openedAt: Date;
  resolvedAt: Date | null;
  lastBackupAt: Date | null;
  lastPassingDrillAt: Date | null;
  restoreCommands: string[];
  dashboardUrl: string;
  now: Date;
  /** The missed incidents a summary lists (event "missed" each). */
  items?: AlertContext[];
  /**
   * The status ("fresh", "stale", "error", "silent", …) of the incident's database (or project) when the
   * alert was built. Incidents do not record why they resolved: a stale incident that ended while this is
   * "error" or "silent" ended because a worse status took over, not because the replica caught up.
   */
  statusNow?: string;
}
