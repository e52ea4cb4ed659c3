// What a freshness sweep stores on the fast connection besides incidents: the
// project's and its databases' statuses, and the project's next deadline
// (freshness/deadline.ts). Called inside the sweep's batch transaction.
import type Sqlite from "better-sqlite3";
import { SWEEP_WRITE_SQL } from "./fast-sql.ts";
import { prepareAllBound } from "./bound-statement.ts";
import { storeTime } from "./time.ts";
import type { FreshnessStatus } from "../generated/prisma/enums.ts";

export class SweepWrites {
  private readonly stmts;
  /** Runs `fn` in one SQLite transaction (better-sqlite3: synchronous; throws SQLITE_BUSY when another connection writes). */
  readonly transaction: <T>(fn: () => T) => T;

  constructor(db: Sqlite.Database) {
    this.stmts = prepareAllBound(db, SWEEP_WRITE_SQL);
    this.transaction = <T>(fn: () => T): T => db.transaction(fn)();
  }

  /** `since`: when the status changed (statusSince), or null when only the reasons did. `reasons`: JSON array text. */
  projectStatus(id: string, status: FreshnessStatus, reasons: string, since: Date | null, now: Date): void {
    this.stmts.projectStatus.run({ id, status, reasons, since: since ? storeTime(since) : null, now: storeTime(now) });
  }

  databaseStatus(id: string, status: FreshnessStatus, reasons: string): void {
    this.stmts.databaseStatus.run({ id, status, reasons });
  }

  /** The project's next deadline; null evaluates it on the next sweep. */
  deadline(id: string, at: Date | null): void {
    this.stmts.deadline.run({ id, at: at ? storeTime(at) : null });
  }
}
