// A history page (store/history-page.ts) is bounded by payload bytes as well
// as rows: 100 rows of 250 KB come back a few at a time, newest first, with
// truncated set so the caller pages on.
import { describe, expect, it } from "vitest";
import { useTempStores } from "../support/use-store.ts";
import { HISTORY_PAGE_MAX_BYTES, readHistoryPage, rowsWithinBytes } from "../../src/store/history-page.ts";

const stores = useTempStores("borela-page-");

describe("rowsWithinBytes", () => {
  it("takes rows while the sum stays within the limit, and always the first", () => {
    expect(rowsWithinBytes([], 10)).toBe(0);
    expect(rowsWithinBytes([50], 10)).toBe(1);
    expect(rowsWithinBytes([4, 4, 2, 1], 10)).toBe(3);
    expect(rowsWithinBytes([4, 4, 2], 10)).toBe(3);
  });
});

describe("readHistoryPage", () => {
  it("cuts 100 rows of 250 KB at the byte limit, newest first, and pages on with before", async () => {
    const s = (await stores.open()).store;
    await s.project.create({ data: { id: "p", name: "p", drillSchedule: "0 3 * * *", badgeKey: "b", storagePrefix: "x" } });
    const t0 = Date.parse("2026-11-01T00:00:00Z");
    const bytes = 250_000;
    await s.heartbeat.createMany({
      data: Array.from({ length: 100 }, (_, i) => ({ id: `h${String(i).padStart(3, "0")}`, projectId: "p", sentAt: new Date(t0 + i * 1000), payload: "x".repeat(bytes) })),
    });
    const perPage = Math.floor(HISTORY_PAGE_MAX_BYTES / bytes);
    const first = await readHistoryPage(s, "p", 100, null);
    expect(first.truncated).toBe(true);
    expect(first.rows.map((r) => r.id)).toEqual(Array.from({ length: perPage }, (_, i) => `h${String(99 - i).padStart(3, "0")}`));
    const next = await readHistoryPage(s, "p", 100, first.rows.at(-1)!.sentAt);
    expect(next.rows[0].id).toBe(`h${String(99 - perPage).padStart(3, "0")}`);
    // Small rows: the row limit alone applies.
    const small = await readHistoryPage(s, "p", 3, null, 10 * bytes);
    expect(small).toMatchObject({ truncated: false });
    expect(small.rows).toHaveLength(3);
  });
});
