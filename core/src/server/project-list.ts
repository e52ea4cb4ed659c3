// GET /api/v1/projects: reads what ordering needs of every project in three statements whose SQL does
// not grow with the number of projects, then builds full summaries only for one page.
import type { Store } from "../store/db.ts";
import { drillStatus } from "../drills/drill-status.ts";
import { STORED_DRILLABLE_SQL } from "../drills/stored-subject.ts";
import { openDrillIncidents, projectSummaries } from "./project-view.ts";
import { compareKeys } from "./project-order.ts";
import { encodeCursor, matches, orderKey, page, type ListQuery, type ListSummary, type OrderRow } from "./project-page.ts";

/** id, name, status and drillStatus of every project (drillStatus as drill-status.ts decides it). */
export async function orderRows(store: Store): Promise<OrderRow[]> {
  const [projects, lastPerDatabase, incidents] = await Promise.all([
    store.$queryRawUnsafe<{ id: string; name: string; status: string }[]>(`SELECT id, name, status FROM "Project"`),
    // Each database's newest finished drill; databases retired (rows gone) drop out with the join. A project
    // drilled on its stored replica (no agent, drills/stored-subject.ts): its newest finished drill.
    store.$queryRawUnsafe<{ projectId: string; status: string }[]>(
      `SELECT d.projectId AS projectId, l.status AS status FROM "Database" d JOIN (
         SELECT databaseId, status, ROW_NUMBER() OVER (PARTITION BY databaseId ORDER BY finishedAt DESC) AS rn FROM "Drill"
         WHERE status IN ('passed', 'failed', 'error') AND databaseId IS NOT NULL
       ) l ON l.databaseId = d.id AND l.rn = 1
       UNION ALL
       SELECT p.id AS projectId, s.status AS status FROM "Project" p JOIN (
         SELECT projectId, status, ROW_NUMBER() OVER (PARTITION BY projectId ORDER BY finishedAt DESC) AS rn FROM "Drill"
         WHERE status IN ('passed', 'failed', 'error') AND databaseId IS NULL
       ) s ON s.projectId = p.id AND s.rn = 1 WHERE ${STORED_DRILLABLE_SQL}`,
    ),
    openDrillIncidents(store, null),
  ]);
  const perProject = new Map<string, string[]>();
  for (const r of lastPerDatabase) perProject.set(r.projectId, [...(perProject.get(r.projectId) ?? []), r.status]);
  return projects.map((p) => ({ ...p, drillStatus: drillStatus(incidents.get(p.id) ?? [], perProject.get(p.id) ?? []) }));
}

type Summaries = Awaited<ReturnType<typeof projectSummaries>>;

/** The paged answer: `{projects, nextCursor, matched, summary}`, projects worst first. */
export async function listPage(store: Store, query: ListQuery, now = new Date()): Promise<{ projects: Summaries; nextCursor: string | null; matched: number; summary: ListSummary }> {
  const p = page(await orderRows(store), query);
  const byId = new Map((await projectSummaries(store, now, p.ids)).map((s) => [s.id, s]));
  // A project deleted between the two reads is left out rather than failing the page.
  const projects = p.ids.flatMap((id) => byId.get(id) ?? []);
  return { projects, nextCursor: p.nextCursor && encodeCursor(p.nextCursor), matched: p.matched, summary: p.summary };
}

/** The unpaged answer (the array callers read before paging existed), filtered alike and worst first. */
export async function listAll(store: Store, query: Pick<ListQuery, "status" | "q">, now = new Date()): Promise<Summaries> {
  return (await projectSummaries(store, now))
    .filter((s) => matches(s, query))
    .sort((a, b) => compareKeys(orderKey(a), orderKey(b)));
}
