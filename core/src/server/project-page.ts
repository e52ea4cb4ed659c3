// One page of the project list: filter, order worst first, cut after a cursor, count. Pure: the rows
// come from project-list.ts, which reads them for every project without binding any id.
import { STATUSES } from "../freshness/severity.ts";
import { DRILL_STATUSES } from "../drills/drill-status.ts";
import { compareKeys, urgency, type OrderKey } from "./project-order.ts";
import { runNow, sliceEnds, sortSteps, type Steps } from "../steps.ts";

/** What ordering and counting need of a project. */
export interface OrderRow {
  id: string;
  name: string;
  status: string;
  drillStatus: string;
}

/** `status`: only projects whose freshness status or drillStatus is one of these; `q`: name contains it, case-insensitive. */
export interface ListQuery {
  limit: number;
  cursor: OrderKey | null;
  status: readonly string[];
  q: string | null;
}

/** Counts of every project (not only the filtered ones): total, per status, per drillStatus (every key present). */
export interface ListSummary {
  total: number;
  statuses: Record<string, number>;
  drillStatuses: Record<string, number>;
}

export interface Page {
  /** The page's project ids, worst first. */
  ids: string[];
  /** Where the next page starts; null on the last page. */
  nextCursor: OrderKey | null;
  /** How many projects match the filters (all pages). */
  matched: number;
  summary: ListSummary;
}

export function* summarizeSteps(rows: readonly OrderRow[]): Steps<ListSummary> {
  const statuses: Record<string, number> = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  const drillStatuses: Record<string, number> = Object.fromEntries(DRILL_STATUSES.map((s) => [s, 0]));
  for (let i = 0; i < rows.length; i++) {
    if (sliceEnds(i)) yield;
    const r = rows[i];
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    drillStatuses[r.drillStatus] = (drillStatuses[r.drillStatus] ?? 0) + 1;
  }
  return { total: rows.length, statuses, drillStatuses };
}

export const summarize = (rows: readonly OrderRow[]): ListSummary => runNow(summarizeSteps(rows));

export const orderKey = (r: OrderRow): OrderKey => ({ urgency: urgency(r), name: r.name, id: r.id });

/** Whether a project passes the filters: `status` names its status or its drillStatus (any when empty), its name contains `q`. */
export function matches(r: OrderRow, query: Pick<ListQuery, "status" | "q">): boolean {
  if (query.status.length > 0 && !query.status.includes(r.status) && !query.status.includes(r.drillStatus)) return false;
  return query.q === null || r.name.toLowerCase().includes(query.q.toLowerCase());
}

/** Every matching row's key, worst first. */
export function ordered(rows: readonly OrderRow[], query: Pick<ListQuery, "status" | "q">): OrderKey[] {
  return orderedFromNameOrder(inNameOrder(rows).rows, query);
}

/** Rows in name order (compareKeys' ties after urgency: lower-cased name, name, id) and each id's place in it. */
export interface NameOrder {
  rows: OrderRow[];
  place: Map<string, number>;
}

interface NameKey {
  r: OrderRow;
  key: OrderKey;
  lower: string;
}

const nameKey = (r: OrderRow): NameKey => ({ r, key: { urgency: 0, name: r.name, id: r.id }, lower: r.name.toLowerCase() });

/** Name order's comparison (compareKeys with equal urgencies) on keys built once, not two objects per comparison. */
const byName = (a: NameKey, b: NameKey): number => compareKeys(a.key, b.key, a.lower, b.lower);

function* sortedKeysSteps(rows: readonly OrderRow[]): Steps<NameKey[]> {
  const keyed = new Array<NameKey>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    if (sliceEnds(i)) yield;
    keyed[i] = nameKey(rows[i]);
  }
  // Whole sorts happen at the first read, on a rename, and for what was added (keptNameOrderSteps).
  return yield* sortSteps(keyed, byName);
}

function* nameOrderOfSteps(sorted: OrderRow[]): Steps<NameOrder> {
  const place = new Map<string, number>();
  for (let i = 0; i < sorted.length; i++) {
    if (sliceEnds(i)) yield;
    place.set(sorted[i].id, i);
  }
  return { rows: sorted, place };
}

/** The rows sorted as compareKeys breaks ties of urgency: lower-cased name, name, id. */
export function* inNameOrderSteps(rows: readonly OrderRow[]): Steps<NameOrder> {
  const keyed = yield* sortedKeysSteps(rows);
  const sorted = new Array<OrderRow>(keyed.length);
  for (let i = 0; i < keyed.length; i++) {
    if (sliceEnds(i)) yield;
    sorted[i] = keyed[i].r;
  }
  return yield* nameOrderOfSteps(sorted);
}

export const inNameOrder = (rows: readonly OrderRow[]): NameOrder => runNow(inNameOrderSteps(rows));

/**
 * The name order of `next`, from `previous` without sorting what it already ordered:
 * - the same projects under the same names (only statuses changed, as when a drill finishes or a sweep
 *   runs): each row replaced by its new version in place, one lookup per project;
 * - projects added or removed, none renamed (projects created in bulk): the survivors in their order merged
 *   with the added ones, which alone are sorted;
 * - a rename or an id twice: inNameOrderSteps(next), a whole sort.
 */
export function* keptNameOrderSteps(previous: NameOrder, next: readonly OrderRow[]): Steps<NameOrder> {
  const survivors = new Array<OrderRow | undefined>(previous.rows.length);
  const added: OrderRow[] = [];
  let kept = 0;
  for (let i = 0; i < next.length; i++) {
    if (sliceEnds(i)) yield;
    const r = next[i];
    const at = previous.place.get(r.id);
    if (at === undefined) added.push(r);
    else if (previous.rows[at].name !== r.name || survivors[at] !== undefined) return yield* inNameOrderSteps(next);
    else {
      survivors[at] = r;
      kept++;
    }
  }
  if (added.length === 0 && kept === previous.rows.length) return { rows: survivors as OrderRow[], place: previous.place };
  const fresh = yield* sortedKeysSteps(added);
  const merged: OrderRow[] = [];
  let j = 0;
  for (let i = 0; i < survivors.length; i++) {
    if (sliceEnds(i)) yield;
    const r = survivors[i];
    if (r === undefined) continue;
    const k = nameKey(r);
    while (j < fresh.length && byName(fresh[j], k) < 0) merged.push(fresh[j++].r);
    merged.push(r);
  }
  while (j < fresh.length) merged.push(fresh[j++].r);
  return yield* nameOrderOfSteps(merged);
}

export const keptNameOrder = (previous: NameOrder, next: readonly OrderRow[]): NameOrder => runNow(keptNameOrderSteps(previous, next));

/**
 * Every matching row's key, worst first, from rows already in name order (inNameOrder): a stable split by
 * urgency (an integer in 0..88, project-order.ts) keeps the name order within each, so no comparison sort runs
 * (at 100,000 projects the sort held the event loop for seconds on a loaded machine).
 */
export function* orderedFromNameOrderSteps(rowsInNameOrder: readonly OrderRow[], query: Pick<ListQuery, "status" | "q">): Steps<OrderKey[]> {
  const byUrgency: OrderKey[][] = [];
  for (let i = 0; i < rowsInNameOrder.length; i++) {
    if (sliceEnds(i)) yield;
    const r = rowsInNameOrder[i];
    if (!matches(r, query)) continue;
    const key = orderKey(r);
    (byUrgency[key.urgency] ??= []).push(key);
  }
  return byUrgency.flat();
}

export const orderedFromNameOrder = (rowsInNameOrder: readonly OrderRow[], query: Pick<ListQuery, "status" | "q">): OrderKey[] =>
  runNow(orderedFromNameOrderSteps(rowsInNameOrder, query));

export function page(rows: readonly OrderRow[], query: ListQuery): Page {
  return pageOf(ordered(rows, query), summarize(rows), query);
}

/** The page `query` asks for out of `keys` (every matching key, worst first, as `ordered` returns them). */
export function pageOf(keys: readonly OrderKey[], summary: ListSummary, query: Pick<ListQuery, "limit" | "cursor">): Page {
  const start = query.cursor === null ? 0 : firstAfter(keys, query.cursor);
  const slice = keys.slice(start, start + query.limit);
  const more = start + query.limit < keys.length;
  return { ids: slice.map((k) => k.id), nextCursor: more ? slice[slice.length - 1]! : null, matched: keys.length, summary };
}

/** Index of the first key after `cursor` (binary search): the cursor's own project may have moved or gone. */
function firstAfter(keys: readonly OrderKey[], cursor: OrderKey): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(keys[mid]!, cursor) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The cursor on the wire: base64url of the JSON array [urgency, name, id]. */
export function encodeCursor(k: OrderKey): string {
  return Buffer.from(JSON.stringify([k.urgency, k.name, k.id])).toString("base64url");
}

/** Throws an Error naming `cursor` when it is not one encodeCursor wrote. */
export function decodeCursor(text: string): OrderKey {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || v.length !== 3 || !Number.isInteger(v[0]) || typeof v[1] !== "string" || typeof v[2] !== "string") {
    throw new Error("cursor: not a cursor this list returned (pass nextCursor as it came)");
  }
  return { urgency: v[0], name: v[1], id: v[2] };
}
