// Group commit over an asynchronous transaction (store/postgres/batch-commit.ts), with a fake transaction
// that records its batches: items of one tick share one, items arriving during one wait for the next,
// a refused item fails alone, a failed transaction is retried item by item.
import { describe, expect, it } from "vitest";
import { batchCommit } from "../../../src/store/postgres/batch-commit.ts";

function recorder(fail: (batch: number[]) => boolean = () => false) {
  const batches: number[][] = [];
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  const run = async (batch: number[]) => {
    batches.push(batch);
    await gate;
    if (fail(batch)) throw new Error(`transaction of ${batch.join(",")} failed`);
    return batch.map((n) => (n < 0 ? new Error(`refused ${n}`) : n * 10));
  };
  return {
    batches,
    run,
    hold() {
      gate = new Promise((r) => (release = r));
    },
    release: () => release(),
  };
}

describe("batchCommit", () => {
  it("writes one tick's items in one batch and those arriving during it in the next, resolving each after its batch", async () => {
    const r = recorder();
    const commit = batchCommit(r.run);
    r.hold();
    const first = [1, 2, 3].map((n) => commit(n));
    await new Promise((res) => setImmediate(res));
    const second = [4, 5].map((n) => commit(n));
    let settled = 0;
    for (const p of [...first, ...second]) void p.then(() => settled++);
    await new Promise((res) => setTimeout(res, 20));
    expect(r.batches).toEqual([[1, 2, 3]]);
    expect(settled).toBe(0);
    r.release();
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(r.batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it("refuses an item alone, and retries a failed transaction item by item", async () => {
    const r = recorder((batch) => batch.length > 1 && batch.includes(7));
    const commit = batchCommit(r.run);
    const out = await Promise.allSettled([1, -2, 7, 3].map((n) => commit(n)));
    expect(out.map((o) => (o.status === "fulfilled" ? o.value : (o.reason as Error).message))).toEqual([10, "refused -2", 70, 30]);
    expect(r.batches).toEqual([[1, -2, 7, 3], [1], [-2], [7], [3]]);
  });

  it("caps a batch at maxBatch items", async () => {
    const r = recorder();
    const commit = batchCommit(r.run, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => commit(n)));
    expect(r.batches).toEqual([[1, 2], [3, 4], [5]]);
  });
});
