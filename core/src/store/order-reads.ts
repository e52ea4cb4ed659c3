// What the project list's order reads of every project, on the fast better-sqlite3 connection (Prisma's
// raw queries cost 2–6x as much for 10,000 rows), and a stamp that changes whenever any of it may have.
import type Sqlite from "better-sqlite3";
import { STORED_DRILLABLE_SQL } from "../drills/stored-subject.ts";
import { prepareAll } from "./fast-sql.ts";
import type { OrderReadsPart } from "./fast-path-types.ts";

const DRILL_KINDS = `('drill_failed', 'drill_overdue')`;

/**
 * `stamp`: one text that differs whenever a row the order reads is added, removed or changed:
 * - every project's id, name, status and whether it is drilled on its stored replica, concatenated in SQL
 *   (one string, no row objects: exact, where a max(updatedAt) misses two writes in one millisecond);
 * - the set of databases (a retired one drops its drills out of the drill status);
 * - finished drills: count, newest rowid and finishedAt, and a rowid-weighted sum of their statuses;
 * - open drill incidents: their rowids and kinds.
 * Each part reads the same tables as `rows` below, whoever wrote them (API, sweeper, worker, CLI).
 */
export const ORDER_SQL = {
  stamp: `SELECT
    (SELECT count(*) || ':' || ifnull(group_concat(p.id || ' ' || p.status || ' ' || ${STORED_DRILLABLE_SQL} || ' ' || p.name, char(10)), '') FROM "Project" p)
    || '|' || (SELECT count(*) || ':' || ifnull(group_concat(rowid), '') FROM "Database")
    || '|' || (SELECT count(*) || ':' || ifnull(max(rowid), 0) || ':' || ifnull(max(finishedAt), '') || ':'
         || ifnull(sum(rowid * CASE status WHEN 'passed' THEN 1 WHEN 'failed' THEN 2 ELSE 3 END), 0) || ':' || ifnull(sum(databaseId IS NULL), 0)
         FROM "Drill" WHERE status IN ('passed', 'failed', 'error'))
    || '|' || (SELECT count(*) || ':' || ifnull(group_concat(rowid || kind), '') FROM "Incident" WHERE resolvedAt IS NULL AND kind IN ${DRILL_KINDS})
    AS stamp`,
  projects: `SELECT id, name, status FROM "Project"`,
  // Each database's newest finished drill; databases retired (rows gone) drop out with the join. A project
  // drilled on its stored replica (no agent, drills/stored-subject.ts): its newest finished drill.
  lastDrills: `SELECT d.projectId AS projectId, l.status AS status FROM "Database" d JOIN (
      SELECT databaseId, status, ROW_NUMBER() OVER (PARTITION BY databaseId ORDER BY finishedAt DESC) AS rn FROM "Drill"
      WHERE status IN ('passed', 'failed', 'error') AND databaseId IS NOT NULL
    ) l ON l.databaseId = d.id AND l.rn = 1
    UNION ALL
    SELECT p.id AS projectId, s.status AS status FROM "Project" p JOIN (
      SELECT projectId, status, ROW_NUMBER() OVER (PARTITION BY projectId ORDER BY finishedAt DESC) AS rn FROM "Drill"
      WHERE status IN ('passed', 'failed', 'error') AND databaseId IS NULL
    ) s ON s.projectId = p.id AND s.rn = 1 WHERE ${STORED_DRILLABLE_SQL}`,
  openDrillIncidents: `SELECT projectId, kind FROM "Incident" WHERE resolvedAt IS NULL AND kind IN ${DRILL_KINDS}`,
} as const;

/** The rows the order is computed from; statuses as stored (drill status is decided by the caller). */
export interface OrderFacts {
  projects: { id: string; name: string; status: string }[];
  /** Each drilled database's (or stored replica's) newest finished drill status, by project. */
  lastDrills: { projectId: string; status: string }[];
  openDrillIncidents: { projectId: string; kind: string }[];
}

export class OrderReads implements OrderReadsPart {
  private readonly stmts: Record<keyof typeof ORDER_SQL, Sqlite.Statement>;
  constructor(db: Sqlite.Database) {
    this.stmts = prepareAll(db, ORDER_SQL);
  }

  /** Text to compare with an earlier stamp: equal means the facts below are unchanged. */
  stamp(): string {
    return (this.stmts.stamp.pluck().get() as string) ?? "";
  }

  facts(): OrderFacts {
    return {
      projects: this.stmts.projects.all() as OrderFacts["projects"],
      lastDrills: this.stmts.lastDrills.all() as OrderFacts["lastDrills"],
      openDrillIncidents: this.stmts.openDrillIncidents.all() as OrderFacts["openDrillIncidents"],
    };
  }
}
