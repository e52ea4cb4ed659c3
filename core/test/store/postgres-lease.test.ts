// Issue 20 item 2: the Lease table on PostgreSQL (a private cluster, store/postgres-db.ts migrations): two
// clients on one database stand for two core processes; the same contract as on SQLite (lease-contract.ts).
import { afterAll, beforeAll, describe, it } from "vitest";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres-db.ts";
import { LeaseStore } from "../../src/store/lease.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { leaseContract } from "./lease-contract.ts";

let cluster: PostgresCluster;
let one: PostgresStore;
let two: PostgresStore;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase("lease");
  one = await openPostgresStore(url);
  two = await openPostgresStore(url);
}, 90_000);
afterAll(async () => {
  await one?.$disconnect();
  await two?.$disconnect();
  await cluster?.stop();
});

describe("LeaseStore on PostgreSQL", () => {
  it("two contenders get the lease once, renewals keep it, expiry hands it over, release lets it go", async () => {
    await leaseContract(new LeaseStore(one, "postgresql"), new LeaseStore(two, "postgresql"));
  });
});
