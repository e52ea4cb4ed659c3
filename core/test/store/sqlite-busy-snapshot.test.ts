// SQLITE_BUSY_SNAPSHOT is busy too (store/sqlite-busy.ts). A transaction on the fast connection that reads,
// then writes, fails with it when another connection committed in between, as Litestream does on the
// core's own borela.db (its _litestream_seq table). A tester saw the sweep take it for an unreachable store:
// "freshness sweep paused", the watcher counted as blind, every project's grace restarted. Made here with
// two real connections on one file; retried like SQLITE_BUSY, the transaction commits on its next try.
import Sqlite from "better-sqlite3";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isSqliteBusy, retryWhileBusy } from "../../src/store/sqlite-busy.ts";
import { groupCommit } from "../../src/store/group-commit.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let tmp: TmpDir;
let ours: Sqlite.Database;
let other: Sqlite.Database;

beforeEach(async () => {
  tmp = await tmpDir("borela-busy-snapshot-");
  const file = path.join(tmp.path, "store.db");
  ours = new Sqlite(file);
  ours.pragma("journal_mode = WAL");
  ours.pragma("busy_timeout = 0");
  ours.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO t VALUES (1, 0)");
  other = new Sqlite(file);
  other.pragma("busy_timeout = 0");
});

afterEach(async () => {
  ours.close();
  other.close();
  await tmp.remove();
});

/** A read-then-write transaction on `ours`; on its first `interrupted` runs the other connection commits between the two. */
function readThenWrite(interrupted: number) {
  let runs = 0;
  const transaction = ours.transaction((items: number[]) => {
    const n = (ours.prepare("SELECT n FROM t WHERE id = 1").get() as { n: number }).n;
    if (runs++ < interrupted) other.prepare("UPDATE t SET n = n + 100 WHERE id = 1").run();
    ours.prepare("UPDATE t SET n = ? WHERE id = 1").run(n + items.length);
    return items;
  });
  return { transaction, runs: () => runs };
}

describe("SQLITE_BUSY_SNAPSHOT", () => {
  it("is what a read-then-write transaction meets after another connection's commit, and it counts as busy", () => {
    const { transaction } = readThenWrite(1);
    let caught: unknown;
    try {
      transaction([1]);
    } catch (err) {
      caught = err;
    }
    expect((caught as { code?: string }).code).toBe("SQLITE_BUSY_SNAPSHOT");
    expect(isSqliteBusy(caught)).toBe(true);
    expect(isSqliteBusy(Object.assign(new Error("x"), { code: "SQLITE_BUSY" }))).toBe(true);
    expect(isSqliteBusy(Object.assign(new Error("x"), { code: "SQLITE_BUSYNESS" }))).toBe(false);
    expect(isSqliteBusy(Object.assign(new Error("x"), { code: "SQLITE_CONSTRAINT" }))).toBe(false);
    expect(isSqliteBusy(null)).toBe(false);
  });

  it("retryWhileBusy (the sweep's and the leases' writes) runs the transaction again, which commits", async () => {
    const { transaction, runs } = readThenWrite(2);
    expect(await retryWhileBusy(() => transaction([1, 2]), 10)).toEqual([1, 2]);
    expect(runs()).toBe(3);
    expect((ours.prepare("SELECT n FROM t").get() as { n: number }).n).toBe(202);
  });

  it("the heartbeat ingest's group commit retries it: a lone heartbeat is committed, not refused", async () => {
    const { transaction, runs } = readThenWrite(1);
    const commit = groupCommit(transaction);
    await expect(commit(7)).resolves.toBe(7);
    expect(runs()).toBe(2);
    expect((ours.prepare("SELECT n FROM t").get() as { n: number }).n).toBe(101);
  });
});
