// The project list's order kept between polls: rebuilt only when the stamp of what it is computed from
// changes (store/order-reads.ts, store/postgres/order-reads.ts), so a poll of an unchanged fleet reads one
// aggregate instead of materializing and sorting every project.
import { drillStatus } from "../drills/drill-status.ts";
import type { OrderFacts } from "../store/order-reads.ts";
import type { OrderReadsPart } from "../store/fast-path-types.ts";
import type { OrderKey } from "./project-order.ts";
import { keptNameOrderSteps, orderedFromNameOrderSteps, pageOf, type NameOrder, summarize, summarizeSteps, type ListQuery, type ListSummary, type OrderRow, type Page } from "./project-page.ts";
import { runNow, runYielding, sliceEnds, type Steps } from "../steps.ts";

/** Where the order's facts come from: `stamp` is cheap and changes whenever `facts` may have. */
export type OrderSource = OrderReadsPart;

function* byProjectSteps<R extends { projectId: string }>(rows: readonly R[], value: (r: R) => string): Steps<Map<string, string[]>> {
  const by = new Map<string, string[]>();
  for (let i = 0; i < rows.length; i++) {
    if (sliceEnds(i)) yield;
    const r = rows[i];
    const list = by.get(r.projectId);
    if (list) list.push(value(r));
    else by.set(r.projectId, [value(r)]);
  }
  return by;
}

const NONE: readonly string[] = [];

/**
 * Each project's id, name, status and drillStatus (drill-status.ts) from the rows read. A project unchanged
 * since `previous` keeps its row object: the kept order then holds the same objects from rebuild to rebuild,
 * and the rows just read die young instead of replacing 100,000 long-lived ones (old-space collections).
 */
export function* orderRowsSteps(facts: OrderFacts, previous: NameOrder | null = null): Steps<OrderRow[]> {
  const last = yield* byProjectSteps(facts.lastDrills, (r) => r.status);
  const kinds = yield* byProjectSteps(facts.openDrillIncidents, (r) => r.kind);
  const rows = new Array<OrderRow>(facts.projects.length);
  for (let i = 0; i < rows.length; i++) {
    if (sliceEnds(i)) yield;
    const p = facts.projects[i];
    const drill = drillStatus(kinds.get(p.id) ?? NONE, last.get(p.id) ?? NONE);
    const at = previous?.place.get(p.id);
    const old = at === undefined ? undefined : previous!.rows[at];
    rows[i] = old && old.name === p.name && old.status === p.status && old.drillStatus === drill ? old : { id: p.id, name: p.name, status: p.status, drillStatus: drill };
  }
  return rows;
}

export const orderRowsOf = (facts: OrderFacts): OrderRow[] => runNow(orderRowsSteps(facts));

/** Filters whose ordered keys are kept per stamp (the overview asks a handful: all, a status, a search). */
const FILTERS_KEPT = 16;

export interface ProjectOrder {
  /** The page `query` asks for, from the order as the store holds it now. */
  page(query: ListQuery): Promise<Page>;
  /** How many times the order was rebuilt from the store (for tests and the bench). */
  readonly rebuilds: number;
}

/**
 * The order kept for `source`. Rebuilding it and each filter's first page pass over every project in slices
 * (steps.ts) with the event loop turning between them: at 100,000 projects one pass held it for 100–250 ms.
 */
export function createProjectOrder(source: OrderSource): ProjectOrder {
  let stamp: string | null = null;
  let names: NameOrder = { rows: [], place: new Map() };
  let summary: ListSummary = summarize([]);
  let byFilter = new Map<string, Promise<OrderKey[]>>();
  let rebuilds = 0;
  // A read and rebuild under way for a stamp: polls that arrive meanwhile with the same stamp share it
  // instead of each reading every project again (100,000 rows on PostgreSQL).
  let reading: { stamp: string; done: Promise<void> } | null = null;
  // Rebuilds started and the latest one applied: one that ends after a later one must not put older facts back.
  let started = 0;
  let applied = 0;

  async function rebuild(now: string, facts: OrderFacts, seq: number): Promise<void> {
    // Kept in name order between rebuilds: a rebuild after a drill or a sweep changed statuses sorts nothing.
    // One run, so the time budget of a slice spans the passes (steps.ts SLICE_MS).
    const { nextNames, nextSummary } = await runYielding(
      (function* () {
        const rows = yield* orderRowsSteps(facts, names);
        const nextNames = yield* keptNameOrderSteps(names, rows);
        return { nextNames, nextSummary: yield* summarizeSteps(nextNames.rows) };
      })(),
    );
    if (seq < applied) return;
    applied = seq;
    names = nextNames;
    summary = nextSummary;
    byFilter = new Map();
    stamp = now;
    rebuilds++;
  }

  async function kept(query: ListQuery): Promise<Page> {
    const filter = JSON.stringify([[...query.status].sort(), query.q]);
    let keys = byFilter.get(filter);
    if (keys === undefined) {
      keys = runYielding(orderedFromNameOrderSteps(names.rows, query));
      if (byFilter.size >= FILTERS_KEPT) byFilter.delete(byFilter.keys().next().value!);
      byFilter.set(filter, keys);
    }
    const at = summary;
    return pageOf(await keys, at, query);
  }

  async function pageAt(now: string, query: ListQuery): Promise<Page> {
    if (now === stamp) return kept(query);
    if (reading?.stamp !== now) {
      const seq = ++started;
      const read = {
        stamp: now,
        done: Promise.resolve(source.facts())
          .then((facts) => rebuild(now, facts, seq))
          .finally(() => {
            if (reading === read) reading = null;
          }),
      };
      reading = read;
    }
    await reading.done;
    return kept(query);
  }

  return {
    async page(query) {
      return pageAt(await source.stamp(), query);
    },
    get rebuilds() {
      return rebuilds;
    },
  };
}
