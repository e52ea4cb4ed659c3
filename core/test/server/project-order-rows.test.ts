// The kept order's rows survive a rebuild as the same objects when nothing the order reads of them changed
// (project-order-cache.ts orderRowsSteps): at 100,000 projects, replacing every row on every rebuild filled
// the old space with rows that died there. A changed name, status or drill status gets a new row.
import { expect, it } from "vitest";
import { orderRowsOf, orderRowsSteps } from "../../src/server/project-order-cache.ts";
import { keptNameOrder } from "../../src/server/project-page.ts";
import { runNow } from "../../src/steps.ts";
import type { OrderFacts } from "../../src/store/order-reads.ts";

const facts = (statusOfB: string, nameOfC = "charlie", drillOfD = "passed"): OrderFacts => ({
  projects: [
    { id: "a", name: "alpha", status: "fresh" },
    { id: "b", name: "bravo", status: statusOfB },
    { id: "c", name: nameOfC, status: "fresh" },
    { id: "d", name: "delta", status: "fresh" },
  ],
  lastDrills: [{ projectId: "d", status: drillOfD }],
  openDrillIncidents: [],
});

it("keeps unchanged rows as the same objects and makes new ones for changed projects", () => {
  const first = orderRowsOf(facts("fresh"));
  const kept = keptNameOrder({ rows: [], place: new Map() }, first);
  const same = runNow(orderRowsSteps(facts("fresh"), kept));
  same.forEach((row, i) => expect(row).toBe(first[i]));

  const changed = runNow(orderRowsSteps(facts("silent", "charles", "failed"), kept));
  expect(changed[0]).toBe(first[0]);
  expect(changed[1]).not.toBe(first[1]);
  expect(changed[1]).toEqual({ id: "b", name: "bravo", status: "silent", drillStatus: first[1].drillStatus });
  expect(changed[2]).toEqual({ id: "c", name: "charles", status: "fresh", drillStatus: first[2].drillStatus });
  expect(changed[3].drillStatus).not.toBe(first[3].drillStatus);
  // Without an earlier order every row is new.
  expect(orderRowsOf(facts("fresh"))[0]).not.toBe(first[0]);
});
