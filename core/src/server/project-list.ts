// GET /api/v1/projects: the order of every project (kept between polls by project-order-cache.ts, read in
// three statements whose SQL does not grow with the number of projects), then full summaries for one page.
import type { Store } from "../store/db.ts";
import { ORDER_SQL, type OrderFacts } from "../store/order-reads.ts";
import { PG_ORDER_SQL } from "../store/postgres/sql.ts";
import { dialectOf } from "../store/dialect.ts";
import { orderRowsOf, type ProjectOrder } from "./project-order-cache.ts";
import { projectSummaries } from "./project-view.ts";
import { compareKeys } from "./project-order.ts";
import { encodeCursor, matches, orderKey, page, type ListQuery, type ListSummary, type OrderRow } from "./project-page.ts";

/** id, name, status and drillStatus of every project, read through Prisma (an app built without the fast path). */
export async function orderRows(store: Store): Promise<OrderRow[]> {
  // The same statements each store's fast path reads the order with (ORDER_SQL leaves names unquoted: PostgreSQL would fold them).
  const sql = dialectOf(store) === "sqlite" ? ORDER_SQL : PG_ORDER_SQL;
  const [projects, lastDrills, incidents] = await Promise.all([
    store.$queryRawUnsafe<OrderFacts["projects"]>(sql.projects),
    store.$queryRawUnsafe<OrderFacts["lastDrills"]>(sql.lastDrills),
    store.incident.findMany({ where: { resolvedAt: null, kind: { in: ["drill_failed", "drill_overdue"] } }, select: { projectId: true, kind: true } }),
  ]);
  return orderRowsOf({ projects, lastDrills, openDrillIncidents: incidents });
}

type Summaries = Awaited<ReturnType<typeof projectSummaries>>;

/**
 * The paged answer: `{projects, nextCursor, matched, summary}`, projects worst first.
 * `order`: the kept order (project-order-cache.ts); without it every call reads and sorts through Prisma.
 */
export async function listPage(store: Store, query: ListQuery, order: ProjectOrder | null = null, now = new Date()): Promise<{ projects: Summaries; nextCursor: string | null; matched: number; summary: ListSummary }> {
  for (let attempt = 1; ; attempt++) {
    const p = order ? await order.page(query) : page(await orderRows(store), query);
    const byId = new Map((await projectSummaries(store, now, p.ids)).map((s) => [s.id, s]));
    // A project deleted between the two reads is left out rather than failing the page.
    const projects = p.ids.flatMap((id) => byId.get(id) ?? []);
    // A status that changed between the order's read and the summaries' would show the project at its old
    // place (or outside its filter): the order is read again once, which then holds the change.
    if (attempt < 2 && !inPageOrder(projects, query)) continue;
    return { projects, nextCursor: p.nextCursor && encodeCursor(p.nextCursor), matched: p.matched, summary: p.summary };
  }
}

/** Whether summaries read after the order still match the query and come worst first. */
function inPageOrder(projects: Summaries, query: Pick<ListQuery, "status" | "q">): boolean {
  for (let i = 0; i < projects.length; i++) {
    if (!matches(projects[i], query)) return false;
    if (i > 0 && compareKeys(orderKey(projects[i - 1]), orderKey(projects[i])) > 0) return false;
  }
  return true;
}

/** The unpaged answer (the array callers read before paging existed), filtered alike and worst first. */
export async function listAll(store: Store, query: Pick<ListQuery, "status" | "q">, now = new Date()): Promise<Summaries> {
  return (await projectSummaries(store, now))
    .filter((s) => matches(s, query))
    .sort((a, b) => compareKeys(orderKey(a), orderKey(b)));
}
