// Issue 20 item 2: failed-login counts in the PostgreSQL store's AuthWindow table (a private cluster, the
// store's own migrations), two pools standing for two core processes; expired rows are pruned.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { openPostgresStore } from "../../../src/store/postgres-db.ts";
import { postgresWindows } from "../../../src/server/auth-state/postgres-windows.ts";
import { openAuthWindows } from "../../../src/server/auth-state/open.ts";
import { createAuthFailures } from "../../../src/server/failure-limiter.ts";
import { startPostgres, type PostgresCluster } from "../../support/postgres.ts";
import { sleep } from "../../support/wait-for.ts";
import { sharedWindowsContract } from "./window-contract.ts";

let cluster: PostgresCluster;
let one: pg.Pool;
let two: pg.Pool;
let url: string;

beforeAll(async () => {
  cluster = await startPostgres();
  url = await cluster.createDatabase("auth_windows");
  // Migrates the database as a core on it does.
  await (await openPostgresStore(url)).$disconnect();
  one = new pg.Pool({ connectionString: url, max: 2 });
  two = new pg.Pool({ connectionString: url, max: 2 });
  // The last test stops the server under the idle clients.
  for (const pool of [one, two]) pool.on("error", () => undefined);
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

  // Last: it stops the cluster.
  it("PostgreSQL down: each process counts alone, so guesses stay limited, other addresses are free, and it is logged once", async () => {
    const warnings: string[] = [];
    const windows = openAuthWindows({ kind: "postgres", url }, { warn: (m) => warnings.push(m), info: () => undefined });
    try {
      const failures = createAuthFailures(3, windows);
      await failures.fail("10.0.0.1");
      expect((await one.query(`SELECT "count" FROM "AuthWindow" WHERE "key" = 'fail:10.0.0.1'`)).rows).toEqual([{ count: 1 }]);
      await cluster.stop();
      for (let i = 0; i < 3; i++) await failures.fail("10.0.0.1");
      expect(await failures.blockedFor("10.0.0.1")).toBeGreaterThan(55_000);
      expect(await failures.blockedFor("10.0.0.2")).toBe(0);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^PostgreSQL is unreachable for failed-login counts \(.+\): counting in this process only until it is back$/);
      expect(warnings[0]).not.toContain(url);
    } finally {
      await windows.close();
    }
  });
});
