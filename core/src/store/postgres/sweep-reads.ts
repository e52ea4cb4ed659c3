// What the freshness sweeper evaluates, read on PostgreSQL: the same SweepInput as store/sweep-reads.ts
// reads on SQLite, for one project or a batch, in one query (sweep-sql.ts PG_SWEEP_READ_SQL.inputs).
import type pg from "pg";
import type { AsyncSweepReads } from "../sweep-store.ts";
import type { SweepInput } from "../sweep-reads.ts";
import { parseErrors, parsePosition } from "../stored-json.ts";
import type { FreshnessStatus } from "../../generated/prisma/enums.ts";
import { PG_SWEEP_READ_SQL as SQL } from "./sweep-sql.ts";

/** A pool (each query on any free connection) or one client (a transaction's). */
export type Queryable = pg.Pool | pg.PoolClient;

/** A timestamp(3) as json_build_object writes it: UTC digits without a zone ("2026-11-29T12:00:00.5"). */
type JsonTime = string | null;

interface InputJson {
  id: string;
  status: FreshnessStatus;
  statusReasons: string;
  staleAfterSeconds: number;
  heartbeatGraceSeconds: number;
  lastHeartbeatAt: JsonTime;
  lastPingAt: JsonTime;
  replicaUrl: string | null;
  newestLtxAt: JsonTime;
  listedAt: JsonTime;
  listError: string | null;
  retiredName: string | null;
  retiredAt: JsonTime;
  databases: {
    id: string;
    name: string;
    path: string;
    status: FreshnessStatus;
    statusReasons: string;
    lastHeartbeatAt: JsonTime;
    exists: boolean;
    errors: string;
    missedHeartbeats: number;
    position: string | null;
    replicas: { url: string; pendingSince: JsonTime; lastError: string | null; position: string | null; lastSnapshotAt: JsonTime }[];
  }[];
  openIncidents: { id: string; databaseId: string | null; kind: "silent" | "error" | "stale"; reason: string; clearedAt: JsonTime }[];
  rejectedToken: { at: string; reason: "revoked" | "expired" } | null;
}

export class PostgresSweepReads implements AsyncSweepReads {
  constructor(private readonly pool: pg.Pool) {}

  async due(now: Date): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(SQL.due, [now.toISOString()]);
    return rows.map((r) => r.id);
  }

  /** Projects whose agent came with a revoked or expired token after `at` (AgentToken.rejectedAt, written by any core). */
  async rejectedSince(at: Date): Promise<string[]> {
    const { rows } = await this.pool.query<{ projectId: string }>(SQL.rejectedSince, [at.toISOString()]);
    return rows.map((r) => r.projectId);
  }

  async read(projectId: string): Promise<SweepInput | null> {
    return (await this.readMany(this.pool, [projectId])).get(projectId) ?? null;
  }

  /** The inputs of `projectIds` that exist, by id, in one query on `q` (a batch's transaction, or the pool). */
  async readMany(q: Queryable, projectIds: string[]): Promise<Map<string, SweepInput>> {
    const { rows } = await q.query<{ input: InputJson }>(SQL.inputs, [projectIds]);
    return new Map(rows.map(({ input }) => [input.id, this.toInput(input)]));
  }

  private toInput(p: InputJson): SweepInput {
    return {
      project: {
        id: p.id,
        status: p.status,
        statusReasons: p.statusReasons,
        staleAfterSeconds: p.staleAfterSeconds,
        heartbeatGraceSeconds: p.heartbeatGraceSeconds,
        lastHeartbeatAt: time(p.lastHeartbeatAt),
        lastPingAt: time(p.lastPingAt),
        listing: p.replicaUrl === null ? null : { url: p.replicaUrl, newestLtxAt: time(p.newestLtxAt), listedAt: time(p.listedAt), error: p.listError },
        rejectedToken: p.rejectedToken === null ? null : { at: time(p.rejectedToken.at)!, reason: p.rejectedToken.reason },
        retired: p.retiredName === null || p.retiredAt === null ? null : { name: p.retiredName, at: time(p.retiredAt)! },
      },
      databases: p.databases.map((d) => ({
        id: d.id,
        name: d.name,
        path: d.path,
        status: d.status,
        statusReasons: d.statusReasons,
        lastHeartbeatAt: time(d.lastHeartbeatAt),
        exists: d.exists,
        errors: parseErrors(d.errors),
        missedHeartbeats: d.missedHeartbeats,
        position: parsePosition(d.position),
        replicas: d.replicas.map((r) => ({
          url: r.url,
          pendingSince: time(r.pendingSince),
          lastError: r.lastError,
          hasPosition: r.position !== null,
          lastSnapshotAt: time(r.lastSnapshotAt),
          position: parsePosition(r.position),
        })),
      })),
      openIncidents: p.openIncidents.map((i) => ({ ...i, clearedAt: time(i.clearedAt) })),
    };
  }
}

function time(t: JsonTime): Date | null {
  return t === null ? null : new Date(`${t}Z`);
}
