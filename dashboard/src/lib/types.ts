// The core's JSON shapes, as the dashboard uses them.
export interface Position {
  generation: string | null;
  index: number;
  offset: number;
}

export interface DrillSummary {
  id: string;
  status: string;
  database: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  restoreSeconds: number | null;
  rpoSeconds: number | null;
  error: string | null;
}

export type ProjectDrillStatus = "passed" | "failed" | "overdue" | "none";

export interface ProjectSummary {
  id: string;
  name: string;
  status: string;
  drillStatus: ProjectDrillStatus;
  nextDrillAt: string | null;
  statusSince: string;
  lastHeartbeatAt: string | null;
  lastBackupAt: string | null;
  storageBytes: number;
  lastDrill: DrillSummary | null;
}

export interface DatabaseDrill extends DrillSummary {
  check: string | null;
  integrity: string | null;
  tables: number;
  rows: number;
  restorePoint: string | null;
  failures: string[];
}

export interface Alerting {
  channels: { type: string; target: string; source: string }[];
  emailConfigured: boolean;
  warning: string | null;
}

export interface Replica {
  id: string;
  type: string;
  url: string;
  managedBy: string;
  generation: string | null;
  position: Position | null;
  pendingSince: string | null;
  lastSnapshotAt: string | null;
  lastWalAt: string | null;
  storageBytes: number;
  lastError: string | null;
}

export interface DatabaseView {
  id: string;
  name: string;
  path: string;
  status: string;
  statusReasons: string[];
  exists: boolean;
  sizeBytes: number;
  walBytes: number;
  position: Position | null;
  lastHeartbeatAt: string | null;
  lagSeconds: number;
  errors: string[];
  notes: string[];
  tableCounts: Record<string, number> | null;
  lastDrill: DatabaseDrill | null;
  restoreCommands: { litestream: string | null; borela: string };
  replicas: Replica[];
}

export interface Assertion {
  name?: string;
  sql: string;
  op: string;
  value: number;
}

export interface ProjectDetail extends ProjectSummary {
  statusReasons: string[];
  staleAfterSeconds: number;
  heartbeatGraceSeconds: number;
  drillSchedule: string;
  drillGraceSeconds: number;
  checkPolicy: string;
  rowDropWarnPercent: number;
  assertions: Assertion[];
  alertEmails: string[];
  badgePath: string;
  alerting: Alerting;
  databases: DatabaseView[];
}

export interface DrillReport {
  database: string;
  tables: Record<string, number>;
  integrity: string;
  check: string;
  foreignKeyViolations: number;
  assertions: { name: string; sql: string; op: string; expected: number; actual: number | null; passed: boolean; error?: string }[];
  restoreSeconds: number | null;
  checkSeconds: number | null;
  restorePoint: string | null;
  rpoSeconds: number | null;
  restoredBytes: number | null;
  warnings: string[];
  failures: string[];
  error?: string;
}

export interface Drill {
  id: string;
  database: string | null;
  timestamp: string | null;
  status: string;
  trigger: string;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { step: string; message: string; at: string }[];
  report: DrillReport | null;
}

export interface Incident {
  id: string;
  project?: { id: string; name: string };
  kind: string;
  reason: string;
  database: string | null;
  openedAt: string;
  resolvedAt: string | null;
  open: boolean;
}

export interface Delivery {
  id: string;
  event: string;
  channel: { id: string | null; type: string; target: string };
  status: string;
  attempts: number;
  sentAt: string | null;
  lastError: string | null;
  log: { at: string; attempt: number; ok: boolean; detail: string }[];
}

export interface AgentToken {
  id: string;
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  active: boolean;
}

export interface AlertChannel {
  id: string;
  projectId: string | null;
  type: string;
  target: string;
  signed: boolean;
  createdAt: string;
}

export interface Heartbeat {
  id: string;
  sentAt: string;
  storageBytes: number;
}

export interface Series {
  name: string;
  points: { t: number; v: number }[];
}

export interface OperatorStatus {
  smtp: { configured: boolean; server: string | null; from: string };
  storage: { configured: boolean; bucket: string | null; endpoint: string | null; region: string | null; credentials: string | null };
  alertEmails: string[];
}
