// The list reads the order (kept between polls) and then the page's summaries: a status that changes between
// the two reads would show a project at its old place, or outside the status filter asked for. listPage reads
// the order again once when the summaries contradict it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { waitFor } from "../support/wait-for.ts";
import { listPage } from "../../src/server/project-list.ts";
import { summarize, type ListQuery, type Page } from "../../src/server/project-page.ts";
import type { ProjectOrder } from "../../src/server/project-order-cache.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({ BORELA_LOG_LEVEL: "warn", BORELA_SWEEP_INTERVAL_SECONDS: "3600" });
  // The start's own writes (its first sweep) go first: Prisma's createMany would meet a locked file.
  await waitFor(async () => ((await core.api("GET", "/healthz?details=true", { token: null })).body.details?.sweep?.lastSweepAt ? true : null), { timeoutMs: 20_000, what: "the start's first sweep" });
  await core.store.project.createMany({
    data: ["a", "b", "c"].map((n) => ({ id: `reread-${n}`, name: `reread-${n}`, status: "fresh", drillSchedule: "0 3 * * 0", badgeKey: `reread-${n}`, storagePrefix: `reread/${n}` })),
  });
}, 60_000);
afterAll(async () => {
  await core?.close();
});

/** An order that answers `pages` in turn (the last one again after that), counting its reads. */
function scriptedOrder(pages: string[][]): ProjectOrder & { reads: number } {
  const o = {
    reads: 0,
    rebuilds: 0,
    async page(): Promise<Page> {
      const ids = pages[Math.min(o.reads++, pages.length - 1)];
      return { ids, nextCursor: null, matched: ids.length, summary: summarize([]) };
    },
  };
  return o;
}

const all: ListQuery = { limit: 10, cursor: null, status: [], q: null };

it("reads the order again when a summary shows a status the order had not seen, and keeps an order that agrees", async () => {
  await core.store.project.update({ where: { id: "reread-c" }, data: { status: "error" } });
  const behind = scriptedOrder([["reread-a", "reread-b", "reread-c"], ["reread-c", "reread-a", "reread-b"]]);
  const page = await listPage(core.store, all, behind);
  expect(behind.reads).toBe(2);
  expect(page.projects.map((p) => [p.id, p.status])).toEqual([["reread-c", "error"], ["reread-a", "fresh"], ["reread-b", "fresh"]]);

  const agrees = scriptedOrder([["reread-c", "reread-a", "reread-b"]]);
  await listPage(core.store, all, agrees);
  expect(agrees.reads).toBe(1);
});

it("reads the order again when a project left the status filter, and reads it at most twice", async () => {
  await core.store.project.update({ where: { id: "reread-c" }, data: { status: "fresh" } });
  const errors: ListQuery = { ...all, status: ["error"] };
  const behind = scriptedOrder([["reread-c"], []]);
  expect((await listPage(core.store, errors, behind)).projects).toEqual([]);
  expect(behind.reads).toBe(2);
  // Churn that never settles: the second answer is returned as it is.
  const churning = scriptedOrder([["reread-c"]]);
  expect((await listPage(core.store, errors, churning)).projects.map((p) => p.id)).toEqual(["reread-c"]);
  expect(churning.reads).toBe(2);
});
