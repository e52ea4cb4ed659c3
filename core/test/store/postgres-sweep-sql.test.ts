// The freshness sweep's PostgreSQL SQL (store/postgres/sweep-sql.ts) against the schema, as
// postgres-fast-sql.test.ts checks the hot path's: every table and column it names is in
// prisma/schema.prisma, every statement prepares on a database the PostgreSQL migrations built, and
// due() is answered from the deadline index (Project_sweepAt_idx), not by reading every project.
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_SWEEP_MARK_SQL, PG_SWEEP_READ_SQL, PG_SWEEP_WRITE_SQL } from "../../src/store/postgres/sweep-sql.ts";
import { PG_INCIDENT_SWEEP_SQL } from "../../src/incidents/sweep-sql-postgres.ts";
import { migratePostgres } from "../../src/store/postgres-migrate.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { schemaTables, unknownNames } from "../support/sql-names.ts";

const SCHEMA = readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
const STATEMENTS: Record<string, string> = Object.fromEntries(
  Object.entries({ read: PG_SWEEP_READ_SQL, write: PG_SWEEP_WRITE_SQL, incident: PG_INCIDENT_SWEEP_SQL, mark: PG_SWEEP_MARK_SQL }).flatMap(([group, sql]) =>
    Object.entries(sql as Record<string, string>).map(([k, v]) => [`${group}.${k}`, v]),
  ),
);

/**
 * The statement as the shared name checker reads it: byte-order collations, enum casts, NULLS FIRST and
 * FOR UPDATE dropped (no names of the schema's), and a WITH query's name read as the table it returns rows of.
 */
function forChecker(sql: string): string {
  let out = sql.replace(/\s+COLLATE "C"/g, "").replace(/::"\w+"/g, "").replace(/\s+NULLS FIRST/g, "").replace(/\s+FOR UPDATE$/, "");
  const cte = /^WITH (\w+) AS \(\s*(?:INSERT INTO|UPDATE) ("\w+")/.exec(out.trim());
  if (cte) out = out.trim().replace(`WITH ${cte[1]} AS (`, "(").replace(`FROM ${cte[1]}`, `FROM ${cte[2]} ${cte[1]}`);
  return out;
}

describe("raw SQL of the PostgreSQL sweep against prisma/schema.prisma", () => {
  const tables = schemaTables(SCHEMA);

  it.each(Object.entries(STATEMENTS))("%s names only tables and columns the schema has", (_name, sql) => {
    const { problems, checked } = unknownNames(forChecker(sql), tables);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(1);
  });

  it("a column renamed in the schema fails the check, naming the statements that use it", () => {
    const renamed = schemaTables(SCHEMA.replace(/^(\s+)pendingSince(\s)/m, "$1pendingFrom$2").replace(/^(\s+)clearedAt(\s)/m, "$1clearedOn$2"));
    const failing = Object.entries(STATEMENTS)
      .filter(([, sql]) => unknownNames(forChecker(sql), renamed).problems.length > 0)
      .map(([name, sql]) => [name, unknownNames(forChecker(sql), renamed).problems]);
    expect(failing).toEqual([
      ["read.inputs", ["column Replica.pendingSince", "column Incident.clearedAt"]],
      ["incident.cleared", ["column clearedAt (in Incident)"]],
    ]);
  });

  it("a misspelt column or table fails the check", () => {
    expect(unknownNames(forChecker(PG_SWEEP_READ_SQL.inputs.replace('d."missedHeartbeats"', 'd."missedBeats"')), tables).problems).toEqual(["column Database.missedBeats"]);
    expect(unknownNames(forChecker(PG_INCIDENT_SWEEP_SQL.resolve.replace('RETURNING i.id, i."projectId"', 'RETURNING i.id, i."project"')), tables).problems).toEqual([
      "column Incident.project",
    ]);
    expect(unknownNames(forChecker(PG_SWEEP_WRITE_SQL.deadline.replace('"Project"', '"Projects"')), tables).problems).toContain("table Projects");
  });
});

describe("the PostgreSQL sweep's statements on a migrated database", () => {
  let cluster: PostgresCluster;
  let client: pg.Client;
  beforeAll(async () => {
    cluster = await startPostgres();
    client = new pg.Client({ connectionString: await cluster.createDatabase("sweep_sql") });
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
    await expect(client.query(`PREPARE bad AS ${PG_SWEEP_WRITE_SQL.projectStatus.replace('"statusSince" = ', '"statusFrom" = ')}`)).rejects.toThrow(/statusFrom/);
  });

  it("due() reads the deadline index, not every project", async () => {
    // 2,000 projects, most with a deadline far ahead: the planner must not scan them all.
    await client.query(`INSERT INTO "Project" (id, name, "drillSchedule", "badgeKey", "storagePrefix", "updatedAt", "sweepAt")
      SELECT 'p' || g, 'p' || g, '0 3 * * 0', 'b' || g, 's' || g, now(), CASE WHEN g % 500 = 0 THEN NULL ELSE now() + g * interval '1 minute' END
      FROM generate_series(1, 2000) g`);
    await client.query(`ANALYZE "Project"`);
    const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${PG_SWEEP_READ_SQL.due.replace("$1::timestamp(3)", "now()::timestamp(3)")}`);
    const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).toContain("Project_sweepAt_idx");
    expect(plan).not.toMatch(/Seq Scan/);
    const due = await client.query<{ id: string }>(PG_SWEEP_READ_SQL.due, [new Date(Date.now() + 3 * 60_000).toISOString()]);
    // The four cleared deadlines first, then p1 and p2 (the clock may have moved a minute).
    expect(due.rows.slice(0, 4).map((r) => r.id).sort()).toEqual(["p1000", "p1500", "p2000", "p500"]);
    expect(due.rows.slice(4, 6).map((r) => r.id)).toEqual(["p1", "p2"]);
  });
});
