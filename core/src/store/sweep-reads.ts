// What the freshness sweeper evaluates for one project, read on the fast
// connection in one go: the project, its databases with their replicas, its
// open silent/error/stale incidents, and the agent auth's token rejections.
import type Sqlite from "better-sqlite3";
import { SWEEP_SQL, prepareAll } from "./fast-sql.ts";
import { TOKEN_REJECTION_SQL } from "./token-rejection-sql.ts";
import type { TokenRejection } from "./token-memory.ts";
import { storeTime } from "./time.ts";
import { parseErrors, parsePosition } from "./stored-json.ts";
import type { StorageListing } from "./storage-listing.ts";
import type { Position } from "../protocol.ts";
import type { FreshnessStatus } from "../generated/prisma/enums.ts";

export interface SweptReplica {
  url: string;
  pendingSince: Date | null;
  lastError: string | null;
  /** Whether the agent reported a replica position. */
  hasPosition: boolean;
  lastSnapshotAt: Date | null;
  /** As the agent reported it; null when not reported or unreadable. */
  position: Position | null;
}

export interface SweptDatabase {
  id: string;
  name: string;
  path: string;
  status: FreshnessStatus;
  /** JSON array of strings, as stored. */
  statusReasons: string;
  lastHeartbeatAt: Date | null;
  exists: boolean;
  errors: string[];
  missedHeartbeats: number;
  /** The database's position as the agent reported it; null when not reported or unreadable. */
  position: Position | null;
  replicas: SweptReplica[];
}

export interface SweepInput {
  project: {
    id: string;
    status: FreshnessStatus;
    statusReasons: string;
    staleAfterSeconds: number;
    heartbeatGraceSeconds: number;
    lastHeartbeatAt: Date | null;
    /** Last Litestream ping (routes/ping.ts); absent or null when none came. */
    lastPingAt?: Date | null;
    /** The core's own listing of the replica stored for agentless watching; absent or null when none is stored. */
    listing?: StorageListing | null;
    rejectedToken?: TokenRejection | null;
    /** The last database the operator retired (freshness/retired.ts); absent or null when none was. */
    retired?: { name: string; at: Date } | null;
  };
  /** Ordered by name. */
  databases: SweptDatabase[];
  /** The project's open silent/error/stale incidents, oldest first. */
  openIncidents: { id: string; databaseId: string | null; kind: "silent" | "error" | "stale"; reason: string; clearedAt: Date | null }[];
}

type ProjectRow = { id: string; status: FreshnessStatus; statusReasons: string; staleAfterSeconds: number; heartbeatGraceSeconds: number; lastHeartbeatAt: string | null; lastPingAt: string | number | null;
  replicaUrl: string | null; newestLtxAt: string | number | null; listedAt: string | number | null; listError: string | null; retiredName: string | null; retiredAt: string | number | null };
type DatabaseRow = { id: string; name: string; path: string; status: FreshnessStatus; statusReasons: string; lastHeartbeatAt: string | null; exists: number; errors: string; missedHeartbeats: number; position: string | null };
type ReplicaRow = { databaseId: string; url: string; pendingSince: string | null; lastError: string | null; position: string | null; lastSnapshotAt: string | null };
type IncidentRow = { id: string; databaseId: string | null; kind: "silent" | "error" | "stale"; reason: string; clearedAt: string | null };

export class SweepReads {
  private readonly stmts;
  private readonly rejections;

  constructor(db: Sqlite.Database) {
    this.stmts = prepareAll(db, SWEEP_SQL);
    this.rejections = prepareAll(db, TOKEN_REJECTION_SQL);
  }

  /** Ids of the projects whose sweep deadline passed by `now` or was cleared (NULL), earliest first. */
  due(now: Date): string[] {
    return (this.stmts.due.all(storeTime(now)) as { id: string }[]).map((r) => r.id);
  }

  /** Projects whose agent came with a revoked or expired token after `at` (AgentToken.rejectedAt, written by agent-auth.ts of any core). */
  rejectedSince(at: Date): string[] {
    return [...new Set((this.rejections.rejectedSince.all(storeTime(at)) as { projectId: string }[]).map((r) => r.projectId))];
  }

  /** One project's sweep input; null when the project does not exist (deleted meanwhile). */
  read(projectId: string): SweepInput | null {
    const p = this.stmts.project.get(projectId) as ProjectRow | undefined;
    if (!p) return null;
    const replicas = this.stmts.replicas.all(projectId) as ReplicaRow[];
    return {
      project: {
        ...p,
        lastHeartbeatAt: date(p.lastHeartbeatAt),
        lastPingAt: prismaDate(p.lastPingAt),
        listing: p.replicaUrl === null ? null : { url: p.replicaUrl, newestLtxAt: prismaDate(p.newestLtxAt), listedAt: prismaDate(p.listedAt), error: p.listError },
        rejectedToken: this.rejection(projectId),
        retired: p.retiredName === null || p.retiredAt === null ? null : { name: p.retiredName, at: prismaDate(p.retiredAt)! },
      },
      databases: (this.stmts.databases.all(projectId) as DatabaseRow[]).map((d) => ({
        id: d.id,
        name: d.name,
        path: d.path,
        status: d.status,
        statusReasons: d.statusReasons,
        lastHeartbeatAt: date(d.lastHeartbeatAt),
        exists: d.exists === 1,
        errors: parseErrors(d.errors),
        missedHeartbeats: d.missedHeartbeats,
        position: parsePosition(d.position),
        replicas: replicas
          .filter((r) => r.databaseId === d.id)
          .map((r) => ({ url: r.url, pendingSince: date(r.pendingSince), lastError: r.lastError, hasPosition: r.position !== null, lastSnapshotAt: date(r.lastSnapshotAt), position: parsePosition(r.position) })),
      })),
      openIncidents: (this.stmts.openIncidents.all(projectId) as IncidentRow[]).map((i) => ({ ...i, clearedAt: date(i.clearedAt) })),
    };
  }

  private rejection(projectId: string): TokenRejection | null {
    const r = this.rejections.rejection.get(projectId) as { at: string; reason: TokenRejection["reason"] } | undefined;
    return r ? { at: new Date(r.at), reason: r.reason } : null;
  }
}

function date(s: string | null): Date | null {
  return s ? new Date(s) : null;
}

/** A time written by Prisma (routes/ping.ts, freshness/storage-listing.ts): a number of ms or an ISO string, as its SQLite driver stores it. */
function prismaDate(v: string | number | null): Date | null {
  return v === null ? null : new Date(v);
}
