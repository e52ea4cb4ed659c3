// What a scrape reads from the store: three aggregate queries whatever the
// number of projects (no per-project query, no bound list of ids).
import type { Store } from "../store/db.ts";
import { dialectOf, type Dialect } from "../store/dialect.ts";
import { parseJson } from "../store/json.ts";

/** Stored times come back as ISO 8601 text (store/time.ts); null when never set. */
type Time = string | Date | null;
type Num = number | bigint | null;

export interface ProjectRow {
  project: string;
  status: string;
  lastHeartbeatAt: Time;
  openIncidents: Num;
  /** The project's last pause window (alerts/pause.ts); both null when never paused. */
  pausedAt: Time;
  pausedUntil: Time;
}

export interface DatabaseRow {
  project: string;
  database: string;
  status: string;
  lastHeartbeatAt: Time;
  /** The oldest replica's pendingSince: un-replicated changes since then; null when every replica caught up. */
  pendingSince: Time;
  storageBytes: Num;
  /** The last finished drill of this database (passed, failed or error), null when never drilled. */
  lastDrillStatus: string | null;
  lastDrillAt: Time;
  restoreSeconds: Num;
  rpoSeconds: Num;
  lastSuccessAt: Time;
}

export interface ScrapeRows {
  projects: ProjectRow[];
  databases: DatabaseRow[];
}

const PROJECTS = `
  SELECT p."name" AS "project", p."status" AS "status", p."lastHeartbeatAt" AS "lastHeartbeatAt", COALESCE(o.n, 0) AS "openIncidents",
    p."pausedAt" AS "pausedAt", p."pausedUntil" AS "pausedUntil"
  FROM "Project" p
  LEFT JOIN (SELECT "projectId", COUNT(*) AS n FROM "Incident" WHERE "resolvedAt" IS NULL GROUP BY "projectId") o ON o."projectId" = p."id"`;

const REPORT = (field: string) => `CASE WHEN json_valid(l."report") THEN json_extract(l."report", '$.${field}') END`;

/**
 * The two numbers of the last drill's report: read by SQLite's JSON functions; PostgreSQL 15 has no test
 * of JSON validity before a cast (IS JSON came in 16) and one bad report would fail the cast of the whole
 * scrape, so there the report's text comes back and reportNumbers reads it.
 */
const REPORT_COLUMNS: Record<Dialect, string> = {
  sqlite: `${REPORT("restoreSeconds")} AS "restoreSeconds", ${REPORT("rpoSeconds")} AS "rpoSeconds"`,
  postgresql: `l."report" AS "report"`,
};

const DATABASES = (dialect: Dialect) => `
  WITH
    storage AS (SELECT "databaseId", MIN("pendingSince") AS "pendingSince", CAST(SUM("storageBytes") AS BIGINT) AS "storageBytes" FROM "Replica" GROUP BY "databaseId"),
    finished AS (
      SELECT "databaseId", "status", "finishedAt", "report",
        ROW_NUMBER() OVER (PARTITION BY "databaseId" ORDER BY "finishedAt" DESC) AS rn
      FROM "Drill" WHERE "databaseId" IS NOT NULL AND "finishedAt" IS NOT NULL AND "status" IN ('passed', 'failed', 'error')),
    passed AS (SELECT "databaseId", MAX("finishedAt") AS at FROM "Drill" WHERE "databaseId" IS NOT NULL AND "status" = 'passed' GROUP BY "databaseId")
  SELECT p."name" AS "project", d."name" AS "database", d."status" AS "status", d."lastHeartbeatAt" AS "lastHeartbeatAt",
    s."pendingSince" AS "pendingSince", COALESCE(s."storageBytes", 0) AS "storageBytes",
    l."status" AS "lastDrillStatus", l."finishedAt" AS "lastDrillAt",
    ${REPORT_COLUMNS[dialect]},
    ok.at AS "lastSuccessAt"
  FROM "Database" d
  JOIN "Project" p ON p."id" = d."projectId"
  LEFT JOIN storage s ON s."databaseId" = d."id"
  LEFT JOIN finished l ON l."databaseId" = d."id" AND l.rn = 1
  LEFT JOIN passed ok ON ok."databaseId" = d."id"`;

/** restoreSeconds and rpoSeconds of a stored drill report (drills/report.ts), null where absent, not a number, or not JSON. */
function reportNumbers(report: string | null): Pick<DatabaseRow, "restoreSeconds" | "rpoSeconds"> {
  const r = parseJson<Record<string, unknown> | null>(report, null);
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  return { restoreSeconds: num(r?.restoreSeconds), rpoSeconds: num(r?.rpoSeconds) };
}

/** Reads every project and database for one scrape (two statements, each one pass over its tables). */
export async function readScrapeRows(store: Store): Promise<ScrapeRows> {
  const dialect = dialectOf(store);
  const projects = await store.$queryRawUnsafe<ProjectRow[]>(PROJECTS);
  const databases = await store.$queryRawUnsafe<(DatabaseRow & { report?: string | null })[]>(DATABASES(dialect));
  if (dialect === "sqlite") return { projects, databases };
  return { projects, databases: databases.map(({ report, ...d }) => ({ ...d, ...reportNumbers(report ?? null) })) };
}
