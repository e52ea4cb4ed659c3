// The core's JSON shapes, as the dashboard reads them: the API's own response
// schemas (core/src/server/schemas.ts), with dates as ISO strings. Type-only:
// nothing from the core ends up in the bundle.
export type {
  AgentToken,
  AlertChannel,
  Alerting,
  Assertion,
  DatabaseDrill,
  DatabaseView,
  Delivery,
  Drill,
  DrillReport,
  DrillSummary,
  Heartbeat,
  Incident,
  OperatorStatus,
  Position,
  ProjectDetail,
  ProjectDrillStatus,
  ProjectListSummary,
  ProjectPage,
  ProjectSummary,
  Replica,
} from "../../../core/src/server/schemas.ts";

/** A chart's line, built in the dashboard from heartbeats. */
export interface Series {
  name: string;
  points: { t: number; v: number }[];
}
