// What a freshness sweep stores on PostgreSQL besides incidents: the same rows as store/sweep-writes.ts
// (project and database statuses, the project's next deadline). Each bulk method is one statement for
// any number of rows (a batch's); the single-row methods of the contract are bulk calls of one row.
import type { AsyncSweepWrites } from "../sweep-store.ts";
import type { FreshnessStatus } from "../../generated/prisma/enums.ts";
import type { Queryable } from "./sweep-reads.ts";
import { PG_SWEEP_WRITE_SQL as SQL } from "./sweep-sql.ts";

export interface ProjectStatusRow {
  id: string;
  status: FreshnessStatus;
  /** JSON array text. */
  reasons: string;
  /** When the status changed; null keeps statusSince (only the reasons changed). */
  since: Date | null;
  now: Date;
}

export interface DatabaseStatusRow {
  id: string;
  status: FreshnessStatus;
  reasons: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export class PostgresSweepWrites implements AsyncSweepWrites {
  /** `q`: the pool (each call its own statement) or a batch transaction's client. */
  constructor(private readonly q: Queryable) {}

  projectStatus(id: string, status: FreshnessStatus, reasons: string, since: Date | null, now: Date): Promise<void> {
    return this.projectStatuses([{ id, status, reasons, since, now }]);
  }

  databaseStatus(id: string, status: FreshnessStatus, reasons: string): Promise<void> {
    return this.databaseStatuses([{ id, status, reasons }]);
  }

  deadline(id: string, at: Date | null): Promise<void> {
    return this.deadlines([{ id, at }]);
  }

  async projectStatuses(rows: ProjectStatusRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.q.query(SQL.projectStatus, [rows.map((r) => r.id), rows.map((r) => r.status), rows.map((r) => r.reasons), rows.map((r) => iso(r.since)), rows.map((r) => iso(r.now))]);
  }

  async databaseStatuses(rows: DatabaseStatusRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.q.query(SQL.databaseStatus, [rows.map((r) => r.id), rows.map((r) => r.status), rows.map((r) => r.reasons)]);
  }

  async deadlines(rows: { id: string; at: Date | null }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.q.query(SQL.deadline, [rows.map((r) => r.id), rows.map((r) => iso(r.at))]);
  }
}
