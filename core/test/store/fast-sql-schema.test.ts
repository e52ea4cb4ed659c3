// The heartbeat fast path writes raw SQL (store/fast-sql.ts) beside Prisma:
// every table and column those statements name must exist in
// prisma/schema.prisma, so that renaming a column in the schema fails here
// instead of on the first heartbeat in production. The statements must also
// prepare on a database migrated by the committed migrations.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { AUTH_SQL, INGEST_SQL, SWEEP_SQL, SWEEP_WRITE_SQL, prepareAll } from "../../src/store/fast-sql.ts";
import { INCIDENT_SWEEP_SQL } from "../../src/incidents/sweep-sql.ts";
import { databaseFile, openStore } from "../../src/store/db.ts";
import { schemaTables, unknownNames } from "../support/sql-names.ts";

const SCHEMA = readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
const STATEMENTS: Record<string, string> = {
  ...prefixed("auth", AUTH_SQL),
  ...prefixed("ingest", INGEST_SQL),
  ...prefixed("sweep", SWEEP_SQL),
  ...prefixed("sweepWrite", SWEEP_WRITE_SQL),
  ...prefixed("incidentSweep", INCIDENT_SWEEP_SQL),
};

function prefixed(group: string, sql: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(sql).map(([k, v]) => [`${group}.${k}`, v]));
}

/**
 * The static SQL in core/src/store's source (template literals that begin with a statement and hold no ${…}),
 * as [file:line, sql]; the migration runners' ledger statements (SQLite and PostgreSQL) name Prisma's own table, not the schema's.
 */
function storeStatements(): [string, string][] {
  const dir = path.resolve(import.meta.dirname, "../../src/store");
  const out: [string, string][] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !["migrate.ts", "prisma-ledger.ts", "postgres-migrate.ts", "fast-sql.ts"].includes(f))) {
    const source = readFileSync(path.join(dir, file), "utf8");
    for (const m of source.matchAll(/`\s*((?:SELECT|INSERT|UPDATE|DELETE|WITH)\b[^`]*)`/g)) {
      if (m[1].includes("${")) continue;
      out.push([`${file}:${source.slice(0, m.index).split("\n").length}`, m[1]]);
    }
  }
  return out;
}

describe("raw SQL of the fast path against prisma/schema.prisma", () => {
  const tables = schemaTables(SCHEMA);

  it("reads the schema's tables and columns", () => {
    expect(tables.get("Database")).toContain("missedHeartbeats");
    expect(tables.get("Database")).not.toContain("replicas"); // a relation, no column
    expect(tables.get("AgentToken")).toContain("revokedAt");
  });

  it.each(Object.entries(STATEMENTS))("%s names only tables and columns the schema has", (_name, sql) => {
    const { problems, checked } = unknownNames(sql, tables);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(1);
  });

  it("a column renamed in the schema fails the check, naming the statement's column", () => {
    const renamed = schemaTables(SCHEMA.replace(/^(\s+)missedHeartbeats(\s)/m, "$1missedBeats$2"));
    const failing = Object.entries(STATEMENTS)
      .filter(([, sql]) => unknownNames(sql, renamed).problems.length > 0)
      .map(([name, sql]) => [name, unknownNames(sql, renamed).problems]);
    expect(failing).toEqual([
      ["ingest.updateDatabase", ["column missedHeartbeats (in Database)"]],
      ["ingest.missDatabases", ["column missedHeartbeats (in Database)", "column missedHeartbeats (in Database)"]],
      ["sweep.databases", ["column missedHeartbeats (in Database)"]],
    ]);
  });

  it("a misspelt column or table in a statement fails the check", () => {
    expect(unknownNames(SWEEP_SQL.replicas.replace("r.lastError", "r.lastErr"), tables).problems).toEqual(["column Replica.lastErr"]);
    expect(unknownNames(AUTH_SQL.token.replace("AgentToken", "AgentTokens"), tables).problems).toContain("table AgentTokens");
    expect(unknownNames(INGEST_SQL.updateReplica.replace("lastWalAt = @lastWalAt", "lastWal = @lastWalAt"), tables).problems).toEqual(["column lastWal (in Replica)"]);
  });

  it("every other raw statement in core/src/store names only tables and columns the schema has", () => {
    const found = storeStatements();
    // The ones this is for: history budget and page, stored-URL redaction, the sweep mark.
    expect(found.map(([where]) => where.split(":")[0])).toEqual(
      expect.arrayContaining(["history-budget.ts", "history-page.ts", "redact-stored-urls.ts", "sweep-mark.ts"]),
    );
    const failing = found.map(([where, sql]) => [where, unknownNames(sql, tables).problems]).filter(([, problems]) => problems.length > 0);
    expect(failing).toEqual([]);
    expect(unknownNames(found.find(([w]) => w.startsWith("sweep-mark.ts"))![1].replace("value", "valu"), tables).problems).toEqual(["column valu (in Setting)"]);
  });

  it("every statement prepares on a database the committed migrations built", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "borela-fast-sql-"));
    try {
      const store = await openStore(dir);
      await store.$disconnect();
      const db = new Sqlite(databaseFile(dir));
      try {
        for (const group of [AUTH_SQL, INGEST_SQL, SWEEP_SQL] as Record<string, string>[]) expect(Object.keys(prepareAll(db, group))).toEqual(Object.keys(group));
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
