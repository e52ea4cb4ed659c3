// The per-project byte budget of heartbeat history (store/history-budget.ts)
// on a real migrated SQLite store: one project flooded past the budget is
// pruned back under it, oldest rows first, newest kept; the other is untouched.
import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/db.ts";
import { useTempStores } from "../support/use-store.ts";
import { OVER_BUDGET_PROJECTS_SQL, OVER_BUDGET_ROWS_SQL, pruneHistoryOverBudget } from "../../src/store/history-budget.ts";

const stores = useTempStores("borela-history-");

async function open(): Promise<Store> {
  return (await stores.open()).store;
}

async function project(s: Store, name: string): Promise<string> {
  await s.project.create({ data: { id: name, name, drillSchedule: "0 3 * * *", badgeKey: `badge-${name}`, storagePrefix: `prefix-${name}` } });
  return name;
}

/** `count` rows of `bytes` payload each, one second apart from t0 (row i received at t0 + i s). */
async function history(s: Store, projectId: string, count: number, bytes: number, t0 = Date.parse("2026-11-01T00:00:00Z")): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    id: `${projectId}-${String(i).padStart(6, "0")}`,
    projectId,
    receivedAt: new Date(t0 + i * 1000),
    sentAt: new Date(t0 + i * 1000),
    payload: "x".repeat(bytes),
  }));
  for (let i = 0; i < rows.length; i += 1000) await s.heartbeat.createMany({ data: rows.slice(i, i + 1000) });
}

async function bytesOf(s: Store, projectId: string): Promise<number> {
  const [row] = await s.$queryRawUnsafe<{ bytes: number | bigint | null }[]>(
    "SELECT SUM(octet_length(payload)) AS bytes FROM Heartbeat WHERE projectId = ?",
    projectId,
  );
  return Number(row.bytes ?? 0);
}

async function ids(s: Store, projectId: string): Promise<string[]> {
  return (await s.heartbeat.findMany({ where: { projectId }, orderBy: { receivedAt: "asc" }, select: { id: true } })).map((r) => r.id);
}

describe("pruneHistoryOverBudget", () => {
  it("brings the over-budget project back under budget keeping its newest rows; the other is untouched", async () => {
    const s = await open();
    const flood = await project(s, "flood");
    const quiet = await project(s, "quiet");
    const budget = 1_000_000;
    await history(s, flood, 60, 100_000); // 6 MB
    await history(s, quiet, 9, 100_000); // 0.9 MB, under
    const quietBefore = await ids(s, quiet);

    const result = await pruneHistoryOverBudget(s, { budgetBytes: budget });

    expect(result).toEqual({ deleted: 50, more: false });
    expect(await bytesOf(s, flood)).toBeLessThanOrEqual(budget);
    expect(await ids(s, flood)).toEqual(Array.from({ length: 10 }, (_, i) => `flood-${String(50 + i).padStart(6, "0")}`));
    expect(await ids(s, quiet)).toEqual(quietBefore);
    // A second pass has nothing to do.
    expect(await pruneHistoryOverBudget(s, { budgetBytes: budget })).toEqual({ deleted: 0, more: false });
  });

  it("never deletes the newest row, even when it alone is over budget", async () => {
    const s = await open();
    const p = await project(s, "big");
    await history(s, p, 3, 50_000);
    await pruneHistoryOverBudget(s, { budgetBytes: 10_000 });
    expect(await ids(s, p)).toEqual(["big-000002"]);
  });

  it("prunes 10k rows in bounded rounds, each round a bounded number of rows and time", async () => {
    const s = await open();
    const p = await project(s, "many");
    await history(s, p, 10_100, 1_000); // 10.1 MB
    const budget = 100_000; // keeps the newest 100
    const rounds: { deleted: number; ms: number }[] = [];
    for (let round = 0; round < 10; round++) {
      const started = performance.now();
      const result = await pruneHistoryOverBudget(s, { budgetBytes: budget, maxRows: 2_000 });
      rounds.push({ deleted: result.deleted, ms: performance.now() - started });
      if (!result.more) break;
    }
    expect(rounds.map((r) => r.deleted)).toEqual([2000, 2000, 2000, 2000, 2000]);
    for (const r of rounds) expect(r.ms).toBeLessThan(5_000);
    const left = await ids(s, p);
    expect(left).toHaveLength(100);
    expect(left[0]).toBe("many-010000");
    expect(left.at(-1)).toBe("many-010099");
  });

  it("reads sizes from the migration's index, not the payloads", async () => {
    const s = await open();
    const plan = async (sql: string, ...params: unknown[]) =>
      (await s.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, ...params)).map((r) => r.detail).join(" | ");
    expect(await plan(OVER_BUDGET_PROJECTS_SQL, 1)).toContain("COVERING INDEX Heartbeat_projectId_receivedAt_bytes_idx");
    expect(await plan(OVER_BUDGET_ROWS_SQL, "p", 1, 1)).toContain("INDEX Heartbeat_projectId_receivedAt_bytes_idx");
  });
});
