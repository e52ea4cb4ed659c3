// The list's order without a comparison sort per rebuild (server/project-page.ts): rows kept in name order
// between rebuilds and split by urgency. At 100,000 projects on PostgreSQL (30 Nov, s26) the sort of every
// project after each drill that finished held each core's event loop for 1-5 s. The order must stay exactly
// compareKeys' order: checked against that sort on random fleets (names differing only in case, duplicates
// of names in other case, every status and drill status, filters).
import { describe, expect, it } from "vitest";
import { compareKeys } from "../../src/server/project-order.ts";
import { inNameOrder, keptNameOrder, orderKey, ordered, matches, type OrderRow } from "../../src/server/project-page.ts";
import { STATUSES } from "../../src/freshness/severity.ts";
import { DRILL_STATUSES } from "../../src/drills/drill-status.ts";

/** compareKeys' sort, as the list ordered before (the reference). */
function referenceOrder(rows: OrderRow[], query: { status: string[]; q: string | null }) {
  return rows
    .filter((r) => matches(r, query))
    .map(orderKey)
    .sort((a, b) => compareKeys(a, b));
}

function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function fleet(n: number, rnd: () => number): OrderRow[] {
  const stems = ["shop", "Shop", "SHOP", "api", "Api", "blog", "b", "B", "zeta", "Émile", "émile", "a_b", "a-b"];
  return Array.from({ length: n }, (_, i) => ({
    id: `p${String(Math.floor(rnd() * 1e9)).padStart(9, "0")}${i}`,
    name: `${stems[Math.floor(rnd() * stems.length)]}${rnd() < 0.5 ? "" : Math.floor(rnd() * 20)}`,
    status: STATUSES[Math.floor(rnd() * STATUSES.length)],
    drillStatus: DRILL_STATUSES[Math.floor(rnd() * DRILL_STATUSES.length)],
  }));
}

describe("the list's order from rows kept in name order", () => {
  it("equals compareKeys' sort for every filter on random fleets", () => {
    const rnd = random(7);
    for (let round = 0; round < 20; round++) {
      const rows = fleet(50 + Math.floor(rnd() * 400), rnd);
      for (const query of [{ status: [], q: null }, { status: ["stale", "failed"], q: null }, { status: [], q: "SHOP" }, { status: ["fresh"], q: "b" }]) {
        expect(ordered(rows, query)).toEqual(referenceOrder(rows, query));
      }
    }
  });

  it("keeps the name order when only statuses changed, and sorts again when a project came, went or was renamed", () => {
    const rnd = random(11);
    const before = inNameOrder(fleet(300, rnd));
    const statusesChanged = before.rows.map((r) => ({ ...r, status: STATUSES[Math.floor(rnd() * STATUSES.length)] })).reverse();
    const kept = keptNameOrder(before, statusesChanged);
    expect(kept.place).toBe(before.place); // no sort: the same places
    expect(kept.rows.map((r) => r.id)).toEqual(before.rows.map((r) => r.id));
    expect(kept).toEqual(inNameOrder(statusesChanged));
    const renamed = statusesChanged.map((r, i) => (i === 5 ? { ...r, name: "aaa-renamed" } : r));
    expect(keptNameOrder(before, renamed)).toEqual(inNameOrder(renamed));
    const added = [...statusesChanged.slice(1), { id: "new", name: "Middle", status: "fresh", drillStatus: "none" }];
    expect(keptNameOrder(before, added)).toEqual(inNameOrder(added));
  });

  it("merges projects created in bulk into the kept order (names equal to kept ones, case apart, included), and drops removed ones", () => {
    const rnd = random(23);
    const before = inNameOrder(fleet(2_000, rnd));
    const twins = before.rows.slice(0, 50).map((r, i) => ({ ...r, id: `twin-${i}`, name: i % 2 ? r.name.toUpperCase() : r.name }));
    const bulk = [...fleet(3_000, rnd).map((r) => ({ ...r, id: `bulk-${r.id}` })), ...twins];
    const removedSome = before.rows.filter((_, i) => i % 7 !== 0);
    for (const next of [[...before.rows, ...bulk], [...removedSome, ...bulk].reverse(), removedSome, bulk]) {
      const kept = keptNameOrder(before, next);
      expect(kept).toEqual(inNameOrder(next));
    }
  });
});
