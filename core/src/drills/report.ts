// The drill report: what a drill found, stored as JSON on the Drill row and
// returned by GET /api/v1/drills/:id.
export type { DrillStatus } from "../generated/prisma/enums.ts";

export interface AssertionResult {
  name: string;
  sql: string;
  op: string;
  expected: number;
  actual: number | null;
  passed: boolean;
  error?: string;
}

export interface DrillReport {
  database: string;
  replica: string | null;
  timestamp: string | null;
  /** Row count per table of the restored copy. */
  tables: Record<string, number>;
  /** "ok", or the integrity check's output. */
  integrity: string;
  check: "integrity_check" | "quick_check";
  foreignKeyViolations: number;
  assertions: AssertionResult[];
  restoreSeconds: number | null;
  checkSeconds: number | null;
  /** Time of the newest replicated position the restore reached. */
  restorePoint: string | null;
  /** Live changes missing from the backup at drill time, in seconds. */
  rpoSeconds: number | null;
  restoredBytes: number | null;
  replicaBytes: number | null;
  generation: string | null;
  /** The Litestream that restored, as `litestream version` prints it ("v0.5.16", "v0.3.13"). */
  litestreamVersion: string | null;
  /** What the restore read: Litestream 0.5 LTX files ("ltx") or 0.3 generations ("generations"). */
  layout: "ltx" | "generations" | null;
  /** Litestream 0.5: the TXID the restored database ends at. */
  txid: number | null;
  warnings: string[];
  failures: string[];
  error?: string;
}

export function emptyReport(database: string, replica: string | null, timestamp: Date | null): DrillReport {
  return {
    database,
    replica,
    timestamp: timestamp ? timestamp.toISOString() : null,
    tables: {},
    integrity: "not run",
    check: "integrity_check",
    foreignKeyViolations: 0,
    assertions: [],
    restoreSeconds: null,
    checkSeconds: null,
    restorePoint: null,
    rpoSeconds: null,
    restoredBytes: null,
    replicaBytes: null,
    generation: null,
    litestreamVersion: null,
    layout: null,
    txid: null,
    warnings: [],
    failures: [],
  };
}
