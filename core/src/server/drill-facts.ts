// The drill facts the project views read beside the project rows: each project's and each database's
// newest finished drill (one window query on either store) and the kinds of open drill incidents.
import type { Store } from "../store/db.ts";
import { dialectOf, forDialect, jsonTextValues, type Dialect } from "../store/dialect.ts";

/** A finished drill as the views read it (the columns of the Drill table they use). */
export interface FinishedDrill {
  id: string;
  projectId: string;
  databaseId: string | null;
  databaseName: string | null;
  status: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  report: string | null;
  error: string | null;
}

type DrillRowText = Omit<FinishedDrill, "startedAt" | "finishedAt"> & { startedAt: string | Date | null; finishedAt: string | Date | null };

const asDate = (v: string | Date | null): Date | null => (v === null ? null : new Date(v));

/** Which projects a read covers: one project's id, a page of ids (bound as one JSON array), or all (null). */
export type Scope = string | readonly string[] | null;

function scopeSql(dialect: Dialect, scope: Scope): { sql: string; args: string[] } {
  if (scope === null) return { sql: "", args: [] };
  if (typeof scope === "string") return { sql: ` AND "projectId" = ?`, args: [scope] };
  return { sql: ` AND "projectId" IN (SELECT ids.value FROM ${jsonTextValues(dialect, "ids")})`, args: [JSON.stringify(scope)] };
}

/**
 * The newest finished drill per `partition` (project or database), of the projects in `scope`.
 * One window query whose SQL does not grow with the number of projects: an `IN` list of every project
 * id passed SQLite's bound-parameter limit at 995 projects (issue 18); a page's ids go in as one JSON array.
 */
async function newestFinished(store: Store, partition: "projectId" | "databaseId", scope: Scope): Promise<FinishedDrill[]> {
  const dialect = dialectOf(store);
  const where = scopeSql(dialect, scope);
  const rows = await store.$queryRawUnsafe<DrillRowText[]>(
    forDialect(
      dialect,
      `SELECT "id", "projectId", "databaseId", "databaseName", "status", "startedAt", "finishedAt", "report", "error" FROM (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY "${partition}" ORDER BY "finishedAt" DESC NULLS LAST) AS rn FROM "Drill"
         WHERE "status" IN ('passed', 'failed', 'error')${partition === "databaseId" ? ` AND "databaseId" IS NOT NULL` : ""}${where.sql}
       ) AS ranked WHERE rn = 1`,
    ),
    ...where.args,
  );
  return rows.map((r) => ({ ...r, startedAt: asDate(r.startedAt), finishedAt: asDate(r.finishedAt) }));
}

async function lastDrills(store: Store, scope: Scope) {
  const drills = await newestFinished(store, "projectId", scope);
  return new Map(drills.map((d) => [d.projectId, d]));
}

/** The last finished drill of each database (drills of retired databases excluded), per project. */
async function lastDrillsPerDatabase(store: Store, scope: Scope) {
  const drills = await newestFinished(store, "databaseId", scope);
  return new Map(drills.map((d) => [d.databaseId!, d]));
}

/** Kinds of open drill incidents per project id. They are few: read them all (or one project's) rather than bind every project id. */
export async function openDrillIncidents(store: Store, projectId: string | null) {
  const rows = await store.incident.findMany({
    where: { ...(projectId === null ? {} : { projectId }), resolvedAt: null, kind: { in: ["drill_failed", "drill_overdue"] } },
    select: { projectId: true, kind: true },
  });
  const kinds = new Map<string, string[]>();
  for (const r of rows) kinds.set(r.projectId, [...(kinds.get(r.projectId) ?? []), r.kind]);
  return kinds;
}

/** What the project views need besides the project rows, read for one project or for all (null) at once. */
export async function drillFacts(store: Store, scope: Scope) {
  const [last, perDatabase, incidents] = await Promise.all([
    lastDrills(store, scope),
    lastDrillsPerDatabase(store, scope),
    openDrillIncidents(store, typeof scope === "string" ? scope : null),
  ]);
  return { last, perDatabase, incidents };
}
export type DrillFacts = Awaited<ReturnType<typeof drillFacts>>;
