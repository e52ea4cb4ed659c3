// Issue 20 item 2: the Lease table on SQLite: two connections on one real store file (WAL, committed
// migrations) stand for two core processes: the core's own (store/lease-sqlite.ts, no busy wait) and a
// Prisma client (the process test is test/server/lease-processes.test.ts).
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile, openStore, type Store } from "../../src/store/db.ts";
import { LeaseStore } from "../../src/store/lease.ts";
import { openSqliteLeases } from "../../src/store/lease-sqlite.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { leaseContract } from "./lease-contract.ts";

let dir: TmpDir;
let one: Store;
let two: ReturnType<typeof openSqliteLeases>;

beforeAll(async () => {
  dir = await tmpDir("borela-lease-");
  one = await openStore(dir.path);
  two = openSqliteLeases(databaseFile(dir.path));
});
afterAll(async () => {
  await one?.$disconnect();
  two?.close();
  await dir?.remove();
});

describe("LeaseStore on SQLite", () => {
  it("two contenders get the lease once, renewals keep it, expiry hands it over, release lets it go", async () => {
    await leaseContract(new LeaseStore(one, "sqlite"), two.store);
  });

  it("a claim while another connection holds the write lock waits on timers, not in SQLite, then fails with SQLITE_BUSY; released, it claims", async () => {
    const raw = new Sqlite(databaseFile(dir.path));
    raw.exec("BEGIN IMMEDIATE");
    let last = Date.now();
    let longestGap = 0;
    const beat = setInterval(() => {
      longestGap = Math.max(longestGap, Date.now() - last);
      last = Date.now();
    }, 10);
    const started = Date.now();
    try {
      await expect(two.store.claim("locked", "core-a", new Date(), 30_000)).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    } finally {
      clearInterval(beat);
      raw.exec("ROLLBACK");
      raw.close();
    }
    expect(Date.now() - started).toBeGreaterThan(2_000);
    expect(longestGap).toBeLessThan(500); // Prisma's busy_timeout (5 s) would hold the loop
    expect(await two.store.claim("locked", "core-a", new Date(), 30_000)).toBe("took");
  });
});
