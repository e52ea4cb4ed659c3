// The project list's kept order over a source that answers with promises (PostgreSQL's order reads):
// pages resolve from the kept order while the stamp holds, and rebuild once when it moves.
import { describe, expect, it } from "vitest";
import { createProjectOrder, orderRowsOf } from "../../src/server/project-order-cache.ts";
import { ordered, type OrderRow } from "../../src/server/project-page.ts";
import { loopTurnsDuring } from "../support/loop-turns.ts";
import type { OrderFacts } from "../../src/store/order-reads.ts";

const ALL = { limit: 100, cursor: null, status: [] as string[], q: null };

function source() {
  let facts: OrderFacts = { projects: [{ id: "a", name: "alpha", status: "fresh" }, { id: "b", name: "bravo", status: "fresh" }], lastDrills: [], openDrillIncidents: [] };
  let stamp = "1";
  let factReads = 0;
  return {
    stamp: async () => stamp,
    facts: async () => (factReads++, facts),
    set(next: OrderFacts["projects"], s: string) {
      facts = { ...facts, projects: next };
      stamp = s;
    },
    get factReads() {
      return factReads;
    },
  };
}

describe("the kept order over an asynchronous source", () => {
  it("reads the facts once per stamp and rebuilds when it moves", async () => {
    const src = source();
    const order = createProjectOrder(src);
    expect((await order.page(ALL)).ids).toEqual(["a", "b"]);
    expect((await order.page(ALL)).ids).toEqual(["a", "b"]);
    expect(src.factReads).toBe(1);
    src.set([{ id: "a", name: "alpha", status: "fresh" }, { id: "b", name: "bravo", status: "silent" }], "2");
    expect((await order.page(ALL)).ids).toEqual(["b", "a"]);
    expect((await order.page({ ...ALL, status: ["silent"] })).ids).toEqual(["b"]);
    expect(order.rebuilds).toBe(2);
  });

  it("polls that arrive while the facts are read for their stamp share that read", async () => {
    const src = source();
    const order = createProjectOrder(src);
    const pages = await Promise.all(Array.from({ length: 20 }, () => order.page(ALL)));
    expect(pages.every((p) => p.ids.join() === "a,b")).toBe(true);
    expect(src.factReads).toBe(1);
    expect(order.rebuilds).toBe(1);
  });

  it("a read that ends after a later one does not put its older facts back", async () => {
    const older: OrderFacts = { projects: [{ id: "a", name: "alpha", status: "fresh" }], lastDrills: [], openDrillIncidents: [] };
    const newer: OrderFacts = { projects: [{ id: "a", name: "alpha", status: "fresh" }, { id: "b", name: "bravo", status: "silent" }], lastDrills: [], openDrillIncidents: [] };
    let stamp = "1";
    const release: (() => void)[] = [];
    const order = createProjectOrder({
      stamp: async () => stamp,
      facts: () => {
        const facts = stamp === "1" ? older : newer;
        return new Promise<OrderFacts>((resolve) => release.push(() => resolve(facts)));
      },
    });
    const slow = order.page(ALL);
    await new Promise((r) => setImmediate(r));
    stamp = "2";
    const fast = order.page(ALL);
    await new Promise((r) => setImmediate(r));
    expect(release).toHaveLength(2);
    release[1]();
    expect((await fast).ids).toEqual(["b", "a"]);
    release[0]();
    await slow;
    expect((await order.page(ALL)).ids).toEqual(["b", "a"]);
    expect(order.rebuilds).toBe(1);
  });

  it("rebuilds 100,000 projects in slices: the event loop turns between them, and the page is the whole sort's", async () => {
    const n = 100_000;
    const statuses = ["fresh", "stale", "silent", "error", "unknown"];
    let facts: OrderFacts = {
      projects: Array.from({ length: n }, (_, i) => ({ id: `p${i}`, name: `name-${(i * 7919) % n}`, status: statuses[i % 5] })),
      lastDrills: Array.from({ length: n / 2 }, (_, i) => ({ projectId: `p${2 * i}`, status: i % 3 ? "passed" : "failed" })),
      openDrillIncidents: [],
    };
    let stamp = "1";
    // SQLite's source answers at once: the slicing is the order's own, not the source's.
    const order = createProjectOrder({ stamp: () => stamp, facts: () => facts });
    for (const round of [1, 2]) {
      const { result: page, turns } = await loopTurnsDuring(() => order.page({ ...ALL, limit: 5 }));
      // Tens of milliseconds of work: at least a few turns of SLICE_MS.
      expect(turns).toBeGreaterThanOrEqual(3);
      expect(page.summary.total).toBe(n);
      const reference = orderedFromRows(orderRowsOf(facts));
      expect(page.ids).toEqual(reference.slice(0, 5));
      // Round 2: half the projects change status (the kept name order, no sort).
      facts = { ...facts, projects: facts.projects.map((p, i) => (i % 2 ? { ...p, status: statuses[(i + round) % 5] } : p)) };
      stamp = String(round + 1);
    }
    expect(order.rebuilds).toBe(2);
  });
});

function orderedFromRows(rows: OrderRow[]): string[] {
  return ordered(rows, { status: [], q: null }).map((k) => k.id);
}
