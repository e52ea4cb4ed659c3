// The project list's order kept between polls: rebuilt only when the stamp of what it is computed from
// changes (store/order-reads.ts, store/postgres/order-reads.ts), so a poll of an unchanged fleet reads one
// aggregate instead of materializing and sorting every project.
import { drillStatus } from "../drills/drill-status.ts";
import type { OrderFacts } from "../store/order-reads.ts";
import type { MaybePromise, OrderReadsPart } from "../store/fast-path-types.ts";
import type { OrderKey } from "./project-order.ts";
import { keptNameOrder, orderedFromNameOrder, pageOf, type NameOrder, summarize, type ListQuery, type ListSummary, type OrderRow, type Page } from "./project-page.ts";

/** Where the order's facts come from: `stamp` is cheap and changes whenever `facts` may have. */
export type OrderSource = OrderReadsPart;

/** A source answering at once (SQLite's): its order's pages are values, not promises. */
export interface SyncOrderSource {
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

export interface ProjectOrder<P extends MaybePromise<Page> = MaybePromise<Page>> {
  /** The page `query` asks for, from the order as the store holds it now. */
  page(query: ListQuery): P;
  /** How many times the order was rebuilt from the store (for tests and the bench). */
  readonly rebuilds: number;
}

export function createProjectOrder(source: SyncOrderSource): ProjectOrder<Page>;
export function createProjectOrder(source: OrderSource): ProjectOrder;
export function createProjectOrder(source: OrderSource): ProjectOrder {
  let stamp: string | null = null;
  let rows: OrderRow[] = [];
  let names: NameOrder = { rows: [], place: new Map() };
  let summary: ListSummary = summarize([]);
  let byFilter = new Map<string, OrderKey[]>();
  let rebuilds = 0;

  function rebuild(now: string, facts: OrderFacts): void {
    // Kept in name order between rebuilds: a rebuild after a drill or a sweep changed statuses sorts nothing.
    names = keptNameOrder(names, orderRowsOf(facts));
    rows = names.rows;
    summary = summarize(rows);
    byFilter = new Map();
    stamp = now;
    rebuilds++;
  }

  function kept(query: ListQuery): Page {
    const filter = JSON.stringify([[...query.status].sort(), query.q]);
    let keys = byFilter.get(filter);
    if (keys === undefined) {
      keys = orderedFromNameOrder(rows, query);
      if (byFilter.size >= FILTERS_KEPT) byFilter.delete(byFilter.keys().next().value!);
      byFilter.set(filter, keys);
    }
    return pageOf(keys, summary, query);
  }

  // A read of the facts under way for a stamp: polls that arrive meanwhile with the same stamp share it
  // instead of each reading every project again (100,000 rows on PostgreSQL).
  let reading: { stamp: string; done: Promise<void> } | null = null;
  // Reads started and the latest one applied: a read that ends after a later one must not put older facts back.
  let started = 0;
  let applied = 0;

  function pageAt(now: string, query: ListQuery): MaybePromise<Page> {
    if (now === stamp) return kept(query);
    if (reading?.stamp === now) return reading.done.then(() => kept(query));
    const facts = source.facts();
    if (facts instanceof Promise) {
      const seq = ++started;
      const read = {
        stamp: now,
        done: facts
          .then((f) => {
            if (seq < applied) return;
            applied = seq;
            rebuild(now, f);
          })
          .finally(() => {
            if (reading === read) reading = null;
          }),
      };
      reading = read;
      return read.done.then(() => kept(query));
    }
    rebuild(now, facts);
    return kept(query);
  }

  return {
    page(query) {
      const now = source.stamp();
      return typeof now === "string" ? pageAt(now, query) : now.then((s) => pageAt(s, query));
    },
    get rebuilds() {
      return rebuilds;
    },
  };
}
