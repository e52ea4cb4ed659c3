// Issue 20 item 2: the Lease table on SQLite: two Prisma clients on one real store file (WAL, committed
// migrations) stand for two core processes (the process test is test/server/lease-processes.test.ts).
import { afterAll, beforeAll, describe, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { LeaseStore } from "../../src/store/lease.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { leaseContract } from "./lease-contract.ts";

let dir: TmpDir;
let one: Store;
let two: Store;

beforeAll(async () => {
  dir = await tmpDir("borela-lease-");
  one = await openStore(dir.path);
  two = await openStore(dir.path);
});
afterAll(async () => {
  await one?.$disconnect();
  await two?.$disconnect();
  await dir?.remove();
});

describe("LeaseStore on SQLite", () => {
  it("two contenders get the lease once, renewals keep it, expiry hands it over, release lets it go", async () => {
    await leaseContract(new LeaseStore(one, "sqlite"), new LeaseStore(two, "sqlite"));
  });
});
