// Issue 20: each core opened two pools of 10 (Prisma's and the hot path's), so three cores and their workers
// neared PostgreSQL's default max_connections of 100. Both pools now honour BORELA_DATABASE_URL's
// connection_limit (default 5), counted here by the server itself (pg_stat_activity) under a burst of slow queries.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { connectionLimit, DEFAULT_CONNECTION_LIMIT } from "../../src/store/postgres/connection-limit.ts";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres-db.ts";
import { openPostgresFastPath, type PostgresFastPath } from "../../src/store/postgres/fast-path.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";

describe("connectionLimit", () => {
  it("takes connection_limit out of the URL, keeps the other parameters, and defaults to 5", () => {
    expect(connectionLimit("postgresql://u:p@127.0.0.1:5432/db")).toEqual({ url: "postgresql://u:p@127.0.0.1:5432/db", limit: DEFAULT_CONNECTION_LIMIT });
    expect(connectionLimit("postgresql://u:p@127.0.0.1/db?connection_limit=3")).toEqual({ url: "postgresql://u:p@127.0.0.1/db", limit: 3 });
    expect(connectionLimit("postgresql://u@127.0.0.1/db?sslmode=disable&connection_limit=12&application_name=b")).toEqual({
      url: "postgresql://u@127.0.0.1/db?sslmode=disable&application_name=b",
      limit: 12,
    });
    expect(connectionLimit("postgresql://u@127.0.0.1/db?sslmode=disable")).toEqual({ url: "postgresql://u@127.0.0.1/db?sslmode=disable", limit: 5 });
  });

  it("refuses a limit that is not a whole number from 1 to 1000, naming the parameter and never the password", () => {
    for (const bad of ["0", "-1", "2.5", "ten", "", "1001"]) {
      let message = "";
      try {
        connectionLimit(`postgresql://u:secret@127.0.0.1/db?connection_limit=${bad}`);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, bad).toMatch(/connection_limit/);
      expect(message).not.toContain("secret");
    }
  });
});

describe("both pools of a core on PostgreSQL", () => {
  let cluster: PostgresCluster;
  let url: string;
  let store: PostgresStore | undefined;
  let fast: PostgresFastPath | undefined;

  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase("pool_limit");
  }, 90_000);

  afterAll(async () => {
    await fast?.close();
    await store?.$disconnect();
    await cluster?.stop();
  });

  it("open at most connection_limit connections each under a burst of 12 slow queries", async () => {
    const limited = `${url}${url.includes("?") ? "&" : "?"}connection_limit=2&application_name=borela-limit`;
    store = await openPostgresStore(limited);
    fast = openPostgresFastPath(limited, { maxDatabasesPerProject: 4 });
    const watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
    try {
      let peak = 0;
      const burst = Promise.all([
        ...Array.from({ length: 12 }, () => store!.$queryRawUnsafe("SELECT 1 AS one FROM pg_sleep(0.3)")),
        ...Array.from({ length: 12 }, () => fast!.pool.query("SELECT pg_sleep(0.3)")),
      ]);
      let done = false;
      void burst.finally(() => (done = true));
      for (let i = 0; i < 100 && !done; i++) {
        const { rows } = await watcher.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'borela-limit'`);
        peak = Math.max(peak, rows[0].n);
        await new Promise((r) => setTimeout(r, 50));
      }
      await burst;
      // 2 for Prisma's pool + 2 for the hot path's; before, 10 + 10 would have opened for 24 queries.
      expect(peak).toBe(4);
      expect(fast.pool.totalCount).toBe(2);
    } finally {
      await watcher.end();
    }
  }, 60_000);
});
