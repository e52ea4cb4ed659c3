// The PostgreSQL hot path's raw SQL (store/postgres/sql.ts) against the schema, as fast-sql-schema.test.ts
// checks SQLite's: every table and column it names is in prisma/schema.prisma (a renamed column fails
// here, not on the first heartbeat), and every statement prepares on a database the PostgreSQL
// migrations built (types and casts included).
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_AUTH_SQL, PG_INGEST_SQL, PG_ORDER_BUCKET_SQL, PG_ORDER_SQL } from "../../src/store/postgres/sql.ts";
import { migratePostgres } from "../../src/store/postgres-migrate.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { schemaTables, unknownNames } from "../support/sql-names.ts";

const SCHEMA = readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
const STATEMENTS: Record<string, string> = Object.fromEntries(
  Object.entries({ auth: PG_AUTH_SQL, ingest: PG_INGEST_SQL, order: PG_ORDER_SQL, orderBuckets: PG_ORDER_BUCKET_SQL }).flatMap(([group, sql]) =>
    Object.entries(sql as Record<string, string>).map(([k, v]) => [`${group}.${k}`, v]),
  ),
);

describe("raw SQL of the PostgreSQL hot path against prisma/schema.prisma", () => {
  const tables = schemaTables(SCHEMA);

  it.each(Object.entries(STATEMENTS))("%s names only tables and columns the schema has", (_name, sql) => {
    const { problems, checked } = unknownNames(sql, tables);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(1);
  });

  it("a column renamed in the schema fails the check, naming the statements that use it", () => {
    const renamed = schemaTables(SCHEMA.replace(/^(\s+)missedHeartbeats(\s)/m, "$1missedBeats$2"));
    const failing = Object.entries(STATEMENTS).filter(([, sql]) => unknownNames(sql, renamed).problems.length > 0).map(([name, sql]) => [name, unknownNames(sql, renamed).problems]);
    expect(failing).toEqual([
      ["ingest.upsertDatabases", ["column missedHeartbeats (in Database)"]],
      ["ingest.missDatabases", ["column missedHeartbeats (in Database)", "column Database.missedHeartbeats"]],
    ]);
  });

  it("a misspelt column, alias column or table fails the check", () => {
    expect(unknownNames(PG_INGEST_SQL.upsertReplicas.replace('excluded."lastWalAt"', 'excluded."lastWal"'), tables).problems).toEqual(["column Replica.lastWal"]);
    expect(unknownNames(PG_INGEST_SQL.missDatabases.replace("d.name", "d.nam"), tables).problems).toEqual(["column Database.nam"]);
    expect(unknownNames(PG_INGEST_SQL.touchProjects.replace("v.at", "v.when"), tables).problems).toEqual(["column v.when"]);
    expect(unknownNames(PG_AUTH_SQL.tokens.replace('"AgentToken"', '"AgentTokens"'), tables).problems).toContain("table AgentTokens");
  });
});

describe("the PostgreSQL hot path's statements on a migrated database", () => {
  let cluster: PostgresCluster;
  let client: pg.Client;
  beforeAll(async () => {
    cluster = await startPostgres();
    client = new pg.Client({ connectionString: await cluster.createDatabase("fast_sql") });
    await client.connect();
    await migratePostgres(client);
  }, 90_000);
  afterAll(async () => {
    await client?.end();
    await cluster?.stop();
  });

  it("every statement prepares (names, types and casts resolve)", async () => {
    const prepared: string[] = [];
    for (const [i, [name, sql]] of Object.entries(STATEMENTS).entries()) {
      await client.query(`PREPARE s${i} AS ${sql}`).catch((err: Error) => {
        throw new Error(`${name}: ${err.message}`);
      });
      prepared.push(name);
    }
    expect(prepared).toEqual(Object.keys(STATEMENTS));
    await expect(client.query(`PREPARE bad AS ${PG_INGEST_SQL.touchProjects.replace('p."lastHeartbeatAt" <', 'p."lastHeartbeat" <')}`)).rejects.toThrow(/lastHeartbeat/);
  });
});
