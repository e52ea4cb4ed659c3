// groupCommit (store/group-commit.ts) without SQLite: a transaction function
// that records its batches and fails on demand.
import { describe, expect, it } from "vitest";
import { groupCommit } from "../../src/store/group-commit.ts";

function busy(): Error {
  return Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
}

describe("groupCommit", () => {
  it("items of one tick share one transaction and get their own results in order", async () => {
    const batches: number[][] = [];
    const commit = groupCommit((batch: number[]) => (batches.push(batch), batch.map((n) => n * 10)));
    expect(await Promise.all([commit(1), commit(2), commit(3)])).toEqual([10, 20, 30]);
    expect(await commit(4)).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it("one failing item fails alone: the batch is retried item by item", async () => {
    const commit = groupCommit((batch: number[]) =>
      batch.map((n) => {
        if (n === 2) throw new Error("item 2 is bad");
        return n;
      }),
    );
    const results = await Promise.allSettled([commit(1), commit(2), commit(3)]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([1, "item 2 is bad", 3]);
  });

  it("a locked file is retried on timers until the lock goes, then commits the whole batch once", async () => {
    let locked = 3;
    const batches: number[][] = [];
    const commit = groupCommit((batch: number[]) => {
      if (locked-- > 0) throw busy();
      batches.push(batch);
      return batch;
    });
    expect(await Promise.all([commit(1), commit(2)])).toEqual([1, 2]);
    expect(batches).toEqual([[1, 2]]);
  });
});
