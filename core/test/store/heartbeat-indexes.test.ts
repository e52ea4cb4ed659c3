// Heartbeat keeps one (projectId, receivedAt…) index: Heartbeat_projectId_receivedAt_bytes_idx (migration
// 20270106000000_heartbeat_bytes) serves the reads by project and time that Heartbeat_projectId_receivedAt_idx
// served before 20270114100000_ingest_writes dropped it, on both stores, with the same index conditions.
import Sqlite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile } from "../../src/store/db.ts";
import { migratePostgres } from "../../src/store/postgres-migrate.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tempStore, type TestStore } from "../support/use-store.ts";

const BYTES_IDX = "Heartbeat_projectId_receivedAt_bytes_idx";

// The shapes of alerts/context.ts, alerts/digest.ts and drills/live-state.ts (Prisma's findFirst), and the cascade of a project delete.
const READS: [string, string, string][] = [
  ["newest before a time", `SELECT "receivedAt", "payload" FROM "Heartbeat" WHERE "projectId" = $1 AND "receivedAt" <= $2 ORDER BY "receivedAt" DESC LIMIT 1`, `("projectId"=? AND "receivedAt"<?)`],
  ["oldest since a time", `SELECT "storageBytes" FROM "Heartbeat" WHERE "projectId" = $1 AND "receivedAt" >= $2 ORDER BY "receivedAt" ASC LIMIT 1`, `("projectId"=? AND "receivedAt">?)`],
  ["newest", `SELECT "payload" FROM "Heartbeat" WHERE "projectId" = $1 ORDER BY "receivedAt" DESC LIMIT 1`, `("projectId"=?)`],
];

describe("Heartbeat's index by project and time on SQLite", () => {
  let t: TestStore;
  let db: Sqlite.Database;
  beforeAll(async () => {
    t = await tempStore("borela-hb-idx-");
    db = new Sqlite(databaseFile(t.dir.path), { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await t.close();
  });

  it("has only the bytes index on (projectId, receivedAt)", () => {
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Heartbeat' AND sql IS NOT NULL`).all() as { name: string }[]).map((r) => r.name);
    expect(names.sort()).toEqual(["Heartbeat_projectId_agentId_sequence_key", BYTES_IDX]);
  });

  it.each(READS)("serves %s by it, searching the same columns", (_, sql, cond) => {
    const sqliteSql = sql.replace(/\$\d/g, "?");
    const params = ["p", "2026-01-01T00:00:00.000Z"].slice(0, (sql.match(/\$\d/g) ?? []).length);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sqliteSql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(" | ");
    expect(plan).toBe(`SEARCH Heartbeat USING INDEX ${BYTES_IDX} ${cond.replaceAll('"', "")}`);
  });
});

describe("Heartbeat's index by project and time on PostgreSQL", () => {
  let cluster: PostgresCluster;
  let client: pg.Client;
  beforeAll(async () => {
    cluster = await startPostgres();
    client = new pg.Client({ connectionString: await cluster.createDatabase("hb_idx") });
    await client.connect();
    await migratePostgres(client);
    await client.query(`INSERT INTO "Project" (id, name, "drillSchedule", "badgeKey", "storagePrefix", "updatedAt") VALUES ('p', 'p', '0 3 * * *', 'b', 'x', now())`);
    await client.query(`INSERT INTO "Heartbeat" (id, "projectId", "receivedAt", "sentAt", payload)
      SELECT 'h' || g, 'p', now() - g * interval '1 s', now() - g * interval '1 s', repeat('x', 100) FROM generate_series(1, 2000) g`);
    await client.query(`ANALYZE "Heartbeat"`);
    // A table this small is read whole otherwise; the question is which index serves the search.
    await client.query(`SET enable_seqscan = off`);
  });
  afterAll(async () => {
    await client?.end();
    await cluster?.stop();
  });

  it.each(READS)("serves %s by it, with the same index condition", async (_, sql) => {
    const plan = (await client.query(`EXPLAIN ${sql.replace("$1", "'p'").replace("$2", "now()")}`)).rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
    expect(plan).toContain(`using "${BYTES_IDX}" on "Heartbeat"`);
    expect(plan).toMatch(/Index Cond: .*"projectId" = 'p'::text/);
    if (sql.includes(`"receivedAt" <=`) || sql.includes(`"receivedAt" >=`)) expect(plan).toMatch(/Index Cond: .*"receivedAt" [<>]= now\(\)/);
  });
});
