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

/** Table name → column names, from the schema's models (relation fields are no columns; @map and @@map rename). */
function schemaTables(schema: string): Map<string, Set<string>> {
  const models = [...schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(models.map((m) => m[1]));
  const tables = new Map<string, Set<string>>();
  for (const [, model, body] of models) {
    let table = model;
    const columns = new Set<string>();
    for (const raw of body.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      const tableMap = /^@@map\("(\w+)"\)/.exec(line);
      if (tableMap) table = tableMap[1];
      const field = /^(\w+)\s+(\w+)(\[\])?\??(.*)$/.exec(line);
      if (!field || modelNames.has(field[2]) || field[3]) continue;
      columns.add(/@map\("(\w+)"\)/.exec(field[4])?.[1] ?? field[1]);
    }
    tables.set(table, columns);
  }
  return tables;
}

const KEYWORDS = new Set(
  ("SELECT FROM WHERE AND OR NOT IN IS NULL INSERT IGNORE INTO VALUES ON CONFLICT DO UPDATE SET RETURNING ORDER BY JOIN DELETE ASC DESC LIMIT " +
    "AS LIKE GROUP HAVING OVER ROWS UNBOUNDED PRECEDING INDEXED EXISTS DISTINCT CASE WHEN THEN ELSE END").split(" "),
);
const TABLE_AFTER = new Set(["FROM", "INTO", "UPDATE", "JOIN"]);

interface Token {
  name: string;
  column?: string;
  /** A function: "(" right after the name ("INTO Replica (" has a space). */
  call: boolean;
}

/** The tables and columns one statement names that the schema lacks; `checked` counts the names it resolved. */
function unknownNames(sql: string, tables: Map<string, Set<string>>): { problems: string[]; checked: number } {
  // Names a statement defines itself: result aliases (AS n) and the index INDEXED BY names.
  const defined = new Set([...sql.matchAll(/\b(?:AS|INDEXED\s+BY)\s+"?(\w+)"?/gi)].map((m) => m[1]));
  const text = sql.replace(/'[^']*'/g, "''").replace(/[@:$]\w+/g, "?");
  const tokens: Token[] = [...text.matchAll(/"?([A-Za-z_]\w*)"?(?:\s*\.\s*"?([A-Za-z_]\w*)"?)?(\()?/g)].map((m) => ({
    name: m[1],
    column: m[2],
    call: Boolean(m[3]),
  }));
  const problems: string[] = [];
  const named = new Map<string, string>(); // table or alias → table
  const used = new Set<number>();
  let inserted: string | null = null;
  let checked = 0;
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    // DO UPDATE SET: no table follows.
    if (!TABLE_AFTER.has(t.name.toUpperCase()) || !next || next.call || KEYWORDS.has(next.name.toUpperCase())) return;
    used.add(i + 1);
    if (!tables.has(next.name)) problems.push(`table ${next.name}`);
    else checked++;
    named.set(next.name, next.name);
    if (t.name.toUpperCase() === "INTO") inserted = next.name;
    const alias = tokens[i + 2];
    if (alias && !alias.call && !alias.column && !KEYWORDS.has(alias.name.toUpperCase())) {
      named.set(alias.name, next.name);
      used.add(i + 2);
    }
  });
  if (inserted) named.set("excluded", inserted);
  const pseudo = tokens.some((t) => t.call && t.name === "json_each") ? new Set(["value"]) : new Set<string>();
  tokens.forEach((t, i) => {
    if (used.has(i) || t.call || KEYWORDS.has(t.name.toUpperCase()) || (defined.has(t.name) && t.column === undefined)) return;
    if (t.column !== undefined) {
      const table = named.get(t.name);
      if (!table) problems.push(`table or alias ${t.name}`);
      else if (!tables.get(table)?.has(t.column)) problems.push(`column ${table}.${t.column}`);
      else checked++;
      return;
    }
    if (pseudo.has(t.name)) return;
    const owners = [...new Set(named.values())].filter((table) => tables.get(table)?.has(t.name));
    if (owners.length === 0) problems.push(`column ${t.name} (in ${[...new Set(named.values())].join(", ") || "no table"})`);
    else checked++;
  });
  return { problems, checked };
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
      ["ingest.upsertDatabase", ["column missedHeartbeats (in Database)"]],
      ["ingest.missDatabases", ["column missedHeartbeats (in Database)", "column missedHeartbeats (in Database)"]],
      ["sweep.databases", ["column missedHeartbeats (in Database)"]],
    ]);
  });

  it("a misspelt column or table in a statement fails the check", () => {
    expect(unknownNames(SWEEP_SQL.replicas.replace("r.lastError", "r.lastErr"), tables).problems).toEqual(["column Replica.lastErr"]);
    expect(unknownNames(AUTH_SQL.token.replace("AgentToken", "AgentTokens"), tables).problems).toContain("table AgentTokens");
    expect(unknownNames(INGEST_SQL.upsertReplica.replace("excluded.lastWalAt", "excluded.lastWal"), tables).problems).toEqual(["column Replica.lastWal"]);
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
