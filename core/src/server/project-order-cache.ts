// The project list's order kept between polls: rebuilt only when the stamp of what it is computed from
// changes (store/order-reads.ts), so a poll of an unchanged fleet reads one aggregate instead of
// materializing and sorting every project.
import { drillStatus } from "../drills/drill-status.ts";
import type { OrderFacts } from "../store/order-reads.ts";
import type { OrderKey } from "./project-order.ts";
import { ordered, pageOf, summarize, type ListQuery, type ListSummary, type OrderRow, type Page } from "./project-page.ts";

/** Where the order's facts come from: `stamp` is cheap and changes whenever `facts` may have. */
export interface OrderSource {
  stamp(): string;
  facts(): OrderFacts;
}

/** Each project's id, name, status and drillStatus (drill-status.ts) from the rows read. */
export function orderRowsOf(facts: OrderFacts): OrderRow[] {
  const last = new Map<string, string[]>();
  for (const r of facts.lastDrills) (last.get(r.projectId) ?? last.set(r.projectId, []).get(r.projectId)!).push(r.status);
  const kinds = new Map<string, string[]>();
  for (const r of facts.openDrillIncidents) (kinds.get(r.projectId) ?? kinds.set(r.projectId, []).get(r.projectId)!).push(r.kind);
  return facts.projects.map((p) => ({ id: p.id, name: p.name, status: p.status, drillStatus: drillStatus(kinds.get(p.id) ?? [], last.get(p.id) ?? []) }));
}

/** Filters whose ordered keys are kept per stamp (the overview asks a handful: all, a status, a search). */
const FILTERS_KEPT = 16;

export interface ProjectOrder {
  /** The page `query` asks for, from the order as the store holds it now. */
  page(query: ListQuery): Page;
  /** How many times the order was rebuilt from the store (for tests and the bench). */
  readonly rebuilds: number;
}

export function createProjectOrder(source: OrderSource): ProjectOrder {
  let stamp: string | null = null;
  let rows: OrderRow[] = [];
  let summary: ListSummary = summarize([]);
  let byFilter = new Map<string, OrderKey[]>();
  let rebuilds = 0;
  return {
    page(query) {
      const now = source.stamp();
      if (now !== stamp) {
        rows = orderRowsOf(source.facts());
        summary = summarize(rows);
        byFilter = new Map();
        stamp = now;
        rebuilds++;
      }
      const filter = JSON.stringify([[...query.status].sort(), query.q]);
      let keys = byFilter.get(filter);
      if (keys === undefined) {
        keys = ordered(rows, query);
        if (byFilter.size >= FILTERS_KEPT) byFilter.delete(byFilter.keys().next().value!);
        byFilter.set(filter, keys);
      }
      return pageOf(keys, summary, query);
    },
    get rebuilds() {
      return rebuilds;
    },
  };
}
