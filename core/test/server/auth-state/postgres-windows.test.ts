// Issue 20 item 2: failed-login counts in the PostgreSQL store's AuthWindow table (a private cluster, the
// store's own migrations), two pools standing for two core processes; expired rows are pruned.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { openPostgresStore } from "../../../src/store/postgres-db.ts";
import { postgresWindows } from "../../../src/server/auth-state/postgres-windows.ts";
import { startPostgres, type PostgresCluster } from "../../support/postgres.ts";
import { sleep } from "../../support/wait-for.ts";
import { sharedWindowsContract } from "./window-contract.ts";

let cluster: PostgresCluster;
let one: pg.Pool;
let two: pg.Pool;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase("auth_windows");
  // Migrates the database as a core on it does.
  await (await openPostgresStore(url)).$disconnect();
  one = new pg.Pool({ connectionString: url, max: 2 });
  two = new pg.Pool({ connectionString: url, max: 2 });
}, 90_000);
afterAll(async () => {
  await one?.end();
  await two?.end();
  await cluster?.stop();
});

describe("failure windows in PostgreSQL", () => {
  it("two instances share counts, blocks, expiry, pressure and cooling", async () => {
    await sharedWindowsContract(postgresWindows(one), postgresWindows(two));
  });

  it("a failure after its window ended starts a new one; expired rows are pruned, open ones kept", async () => {
    let t = 0;
    const w = postgresWindows(one, () => t);
    await w.add("prune:old", 200);
    await w.add("prune:old", 200);
    await w.add("prune:open", 60_000);
    await sleep(300);
    expect(await w.add("prune:old", 200)).toMatchObject({ count: 1 });
    await sleep(300);
    // The next failure a minute after the last prune deletes what ended, in the background.
    t = 60_000;
    await w.add("prune:trigger", 60_000);
    const rows = async () => (await one.query(`SELECT "key" FROM "AuthWindow" WHERE "key" LIKE 'prune:%' ORDER BY "key"`)).rows.map((r) => r.key);
    for (let i = 0; i < 50 && (await rows()).includes("prune:old"); i++) await sleep(50);
    expect(await rows()).toEqual(["prune:open", "prune:trigger"]);
  });
});
