// A project as the API shows it (project-view.ts builds it): the list's
// summary, and the detail with its databases, replicas and where alerts go.
import { Type } from "@fastify/type-provider-typebox";
import type { Position as ReportedPosition } from "../../protocol.ts";
import { DateTime, Json, Nullable, type WireOf } from "./common.ts";
import { CheckPolicy } from "../../generated/prisma/enums.ts";

export type Position = ReportedPosition;

export const Assertion = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    sql: Type.String({ minLength: 1, maxLength: 4000 }),
    op: Type.Union([">=", ">", "=", "<=", "<", "!="].map((op) => Type.Literal(op))),
    value: Type.Number(),
  },
  { additionalProperties: false },
);
export type Assertion = WireOf<typeof Assertion>;

const drillSummaryProperties = {
  id: Type.String(),
  status: Type.String({ description: "passed | failed | error" }),
  database: Nullable(Type.String()),
  startedAt: Nullable(DateTime),
  finishedAt: Nullable(DateTime),
  restoreSeconds: Nullable(Type.Number()),
  rpoSeconds: Nullable(Type.Number()),
  error: Nullable(Type.String()),
};
/** A project's last finished drill. */
export const DrillSummary = Type.Object(drillSummaryProperties, { additionalProperties: true });
export type DrillSummary = WireOf<typeof DrillSummary>;

/** A database's last finished drill, with what "did it pass?" needs. */
export const DatabaseDrill = Type.Object(
  {
    ...drillSummaryProperties,
    check: Nullable(Type.String()),
    integrity: Nullable(Type.String()),
    tables: Type.Number(),
    rows: Type.Number(),
    restorePoint: Nullable(Type.String()),
    failures: Type.Array(Type.String()),
  },
  { additionalProperties: true },
);
export type DatabaseDrill = WireOf<typeof DatabaseDrill>;

export const ProjectDrillStatus = Type.Union([Type.Literal("passed"), Type.Literal("failed"), Type.Literal("overdue"), Type.Literal("none")]);
export type ProjectDrillStatus = WireOf<typeof ProjectDrillStatus>;

const summaryProperties = {
  id: Type.String(),
  name: Type.String(),
  status: Type.String({ description: "fresh | stale | silent | error | unknown" }),
  drillStatus: ProjectDrillStatus,
  statusSince: DateTime,
  lastHeartbeatAt: Nullable(DateTime),
  /** Last Litestream ping (agentless watching); null when none came. */
  lastPingAt: Nullable(DateTime),
  /** Which signals watch the project (server/watching-view.ts): an agent, Litestream's ping, the core's storage listing. */
  signals: Type.Object({ agent: Type.Boolean(), ping: Type.Boolean(), storageListing: Type.Boolean() }),
  lastBackupAt: Nullable(DateTime),
  storageBytes: Type.Number(),
  lastDrill: Nullable(DrillSummary),
  nextDrillAt: Nullable(DateTime),
  /** Alerts are held until then (POST …/pause); null when not paused. */
  pausedUntil: Nullable(DateTime),
  pauseReason: Nullable(Type.String({ description: "why it is paused, as given; null when not paused or none given" })),
};
export const ProjectSummary = Type.Object(summaryProperties, { additionalProperties: true });
export type ProjectSummary = WireOf<typeof ProjectSummary>;

export const Alerting = Type.Object(
  {
    channels: Type.Array(
      Type.Object(
        {
          type: Type.String(),
          target: Type.String(),
          source: Type.String(),
          failing: Nullable(
            Type.Object({ attempts: Type.Number(), since: DateTime, lastError: Type.String() }, { description: "the failed attempts since the channel's last success; null when its latest attempt succeeded" }),
          ),
        },
        { additionalProperties: true },
      ),
    ),
    emailConfigured: Type.Boolean(),
    warning: Nullable(Type.String()),
  },
  { additionalProperties: true },
);
export type Alerting = WireOf<typeof Alerting>;

export const Replica = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    url: Type.String(),
    managedBy: Type.Union([Type.Literal("user"), Type.Literal("borela")], { description: "who made the storage: borela for the project's own managed prefix, user otherwise" }),
    generation: Nullable(Type.String()),
    position: Json<Position | null>("Litestream's position {generation, index, offset} of the replica, or null"),
    pendingSince: Nullable(DateTime),
    lastSnapshotAt: Nullable(DateTime),
    lastWalAt: Nullable(DateTime),
    storageBytes: Type.Number(),
    lastError: Nullable(Type.String()),
  },
  { additionalProperties: true },
);
export type Replica = WireOf<typeof Replica>;

export const DatabaseView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    path: Type.String(),
    status: Type.String(),
    statusReasons: Type.Array(Type.String()),
    exists: Type.Boolean(),
    sizeBytes: Type.Number(),
    walBytes: Type.Number(),
    position: Json<Position | null>("Litestream's position {generation, index, offset} of the database, or null"),
    lastHeartbeatAt: Nullable(DateTime),
    lagSeconds: Type.Number(),
    errors: Type.Array(Type.String()),
    notes: Type.Array(Type.String()),
    tableCounts: Json<Record<string, number> | null>("row count per table as the agent last reported it, or null"),
    tableCountsAt: Nullable(DateTime),
    markerEnabled: Type.Boolean(),
    lastDrill: Nullable(DatabaseDrill),
    drillProblem: Nullable(Type.String({ description: "why no drill can read this database's replica (e.g. a file replica outside BORELA_FILE_REPLICA_ROOTS); null when drills can run" })),
    restoreCommands: Type.Object({ litestream: Nullable(Type.String()), borela: Type.String() }, { additionalProperties: true }),
    replicas: Type.Array(Replica),
  },
  { additionalProperties: true },
);
export type DatabaseView = WireOf<typeof DatabaseView>;

export const ProjectDetail = Type.Object(
  {
    ...summaryProperties,
    alerting: Alerting,
    statusReasons: Type.Array(Type.String()),
    staleAfterSeconds: Type.Number(),
    heartbeatGraceSeconds: Type.Number(),
    drillSchedule: Type.String(),
    drillGraceSeconds: Type.Number(),
    checkPolicy: Type.Enum(CheckPolicy),
    rowDropWarnPercent: Type.Number(),
    assertions: Json<Assertion[]>("the project's assertion queries [{name?, sql, op, value}]"),
    alertEmails: Type.Array(Type.String()),
    badgePath: Type.String(),
    pingUrl: Nullable(Type.String()),
    // Agentless watching (server/watching-view.ts).
    pingLine: Nullable(Type.String({ description: "the lines to paste at the top level of litestream.yml (Litestream 0.5): heartbeat-url: \"https://…/ping/<key>\" and heartbeat-interval: 1m" })),
    pingWarning: Nullable(Type.String({ description: "without an agent: the grace is shorter than Litestream's smallest heartbeat-interval (1 min), so the ping is judged silent only after interval + grace" })),
    storageListing: Nullable(
      Type.Object({ replicaUrl: Type.String(), newestLtxAt: Nullable(DateTime), listedAt: Nullable(DateTime), error: Nullable(Type.String()) }),
    ),
    createdAt: DateTime,
    databases: Type.Array(DatabaseView),
  },
  { additionalProperties: true },
);
export type ProjectDetail = WireOf<typeof ProjectDetail>;

export const CreatedProject = Type.Object({ id: Type.String(), name: Type.String(), agentToken: Type.String(), tokenId: Type.String() });
export const RetiredDatabase = Type.Object({
  retired: Type.Object({ id: Type.String(), name: Type.String(), resolvedIncidents: Type.Number(), droppedDrills: Type.Number() }, { additionalProperties: true }),
});

const LIST_STATUSES = ["fresh", "stale", "silent", "error", "unknown", "failed", "overdue", "none", "passed"];

/** GET /api/v1/projects: with `limit` or `cursor` the answer is a ProjectPage, without it the plain array of every project. */
export const ProjectListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: "page size; asks for the paged answer {projects, nextCursor, matched, summary}" })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400, description: "nextCursor of the previous page, as it came" })),
    status: Type.Optional(
      Type.String({
        pattern: `^(${LIST_STATUSES.join("|")})(,(${LIST_STATUSES.join("|")}))*$`,
        description: "comma list of statuses or drill statuses: fresh, stale, silent, error, unknown, failed, overdue, none, passed",
      }),
    ),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "name contains this, case-insensitive" })),
  },
  { additionalProperties: false },
);

const Counts = Type.Record(Type.String(), Type.Integer());

/** Counts of every project, whatever the filters: the overview's headline. */
export const ProjectListSummary = Type.Object({
  total: Type.Integer(),
  statuses: Counts,
  drillStatuses: Counts,
});
export type ProjectListSummary = WireOf<typeof ProjectListSummary>;

/** One page of the list, worst first: the worse of status and drillStatus, then the other, then name. */
export const ProjectPage = Type.Object({
  projects: Type.Array(ProjectSummary),
  nextCursor: Nullable(Type.String({ description: "pass as `cursor` for the next page; null on the last one" })),
  matched: Type.Integer({ description: "projects matching status and q, over all pages" }),
  summary: ProjectListSummary,
});
export type ProjectPage = WireOf<typeof ProjectPage>;
