// Issue 20, foundation: the two stores cannot drift. After each store's migrations, the PostgreSQL
// catalogue and the SQLite catalogue hold the same tables, columns (and nullability), indexes and
// triggers; and the PostgreSQL columns have the types and the enums schema.prisma, the one source,
// gives them. A model or column added to schema.prisma (or a SQLite migration) without its
// PostgreSQL migration fails here; so does a PostgreSQL migration that forgets an index or trigger.
import { readFileSync } from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile, openStore } from "../../src/store/db.ts";
import { migratePostgres } from "../../src/store/postgres-migrate.ts";
import { postgresSchema } from "../../src/store/postgres-schema.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const SCHEMA = readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
const LEDGER = "_prisma_migrations";

/** table → column → "null" | "not null" */
type Columns = Record<string, Record<string, string>>;

interface Catalogue {
  columns: Columns;
  indexes: string[];
  triggers: string[];
}

let cluster: PostgresCluster;
let tmp: TmpDir;
let sqlite: Catalogue;
let postgres: Catalogue & { types: Record<string, Record<string, string>>; enums: Record<string, string[]> };

function sqliteCatalogue(file: string): Catalogue {
  const db = new Sqlite(file, { readonly: true });
  try {
    const names = (type: string) =>
      (db.prepare(`SELECT name FROM sqlite_master WHERE type = ? AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND tbl_name <> ?`).all(type, LEDGER) as { name: string }[])
        .map((r) => r.name)
        .sort();
    const columns: Columns = {};
    for (const table of names("table")) {
      const info = db.prepare(`SELECT name, "notnull" FROM pragma_table_info(?)`).all(table) as { name: string; notnull: number }[];
      columns[table] = Object.fromEntries(info.map((c) => [c.name, c.notnull ? "not null" : "null"]));
    }
    return { columns, indexes: names("index"), triggers: names("trigger") };
  } finally {
    db.close();
  }
}

async function postgresCatalogue(client: pg.Client): Promise<typeof postgres> {
  const cols = await client.query<{ t: string; c: string; nullable: string; type: string; udt: string }>(
    `SELECT table_name AS t, column_name AS c, is_nullable AS nullable, data_type AS type, udt_name AS udt
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> $1`,
    [LEDGER],
  );
  const columns: Columns = {};
  const types: Record<string, Record<string, string>> = {};
  for (const r of cols.rows) {
    (columns[r.t] ??= {})[r.c] = r.nullable === "YES" ? "null" : "not null";
    (types[r.t] ??= {})[r.c] = r.type === "USER-DEFINED" ? r.udt : r.type;
  }
  const indexes = await client.query<{ name: string }>(
    `SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND tablename <> $1 AND indexname NOT LIKE '%\\_pkey'`,
    [LEDGER],
  );
  const triggers = await client.query<{ name: string }>(`SELECT DISTINCT trigger_name AS name FROM information_schema.triggers WHERE trigger_schema = 'public'`);
  const enums = await client.query<{ type: string; labels: string[] }>(
    `SELECT t.typname AS type, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
  );
  return {
    columns,
    types,
    indexes: indexes.rows.map((r) => r.name).sort(),
    triggers: triggers.rows.map((r) => r.name).sort(),
    enums: Object.fromEntries(enums.rows.map((r) => [r.type, r.labels])),
  };
}

const PG_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp without time zone",
};

/** From schema.prisma: enums (name → values) and each model's scalar columns (type as PostgreSQL names it, nullability). */
function schemaModel(schema: string) {
  const enums = Object.fromEntries(
    [...schema.matchAll(/^enum\s+(\w+)\s*\{([\s\S]*?)^\}/gm)].map(([, name, body]) => [
      name,
      body.split("\n").map((l) => l.replace(/\/\/.*$/, "").trim()).filter((l) => /^\w+$/.test(l)),
    ]),
  );
  const types: Record<string, Record<string, string>> = {};
  const columns: Columns = {};
  for (const [, model, body] of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    for (const raw of body.split("\n")) {
      const m = /^\s*(\w+)\s+(\w+)(\?|\[\])?/.exec(raw.replace(/\/\/.*$/, ""));
      if (!m || m[3] === "[]") continue;
      const type = PG_TYPES[m[2]] ?? (enums[m[2]] ? m[2] : null);
      if (type === null) continue; // a relation field
      (types[model] ??= {})[m[1]] = type;
      (columns[model] ??= {})[m[1]] = m[3] === "?" ? "null" : "not null";
    }
  }
  return { enums, types, columns };
}

beforeAll(async () => {
  [cluster, tmp] = await Promise.all([startPostgres(), tmpDir("borela-pg-schema-")]);
  const store = await openStore(tmp.path);
  await store.$disconnect();
  sqlite = sqliteCatalogue(databaseFile(tmp.path));
  const client = new pg.Client({ connectionString: await cluster.createDatabase("catalogue") });
  await client.connect();
  try {
    await migratePostgres(client);
    postgres = await postgresCatalogue(client);
  } finally {
    await client.end();
  }
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
  await tmp?.remove();
});

describe("PostgreSQL and SQLite schemas", () => {
  it("have the same tables and columns, with the same nullability", () => {
    expect(Object.keys(sqlite.columns).length).toBeGreaterThan(10);
    expect(postgres.columns).toEqual(sqlite.columns);
  });

  it("have the same indexes (the hand-made expression index included) and the same deadline triggers", () => {
    expect(sqlite.indexes).toContain("Heartbeat_projectId_receivedAt_bytes_idx");
    expect(postgres.indexes).toEqual(sqlite.indexes);
    expect(sqlite.triggers.length).toBeGreaterThanOrEqual(16);
    expect(postgres.triggers).toEqual(sqlite.triggers);
  });

  it("give PostgreSQL the types, nullability and enums of schema.prisma", () => {
    const model = schemaModel(SCHEMA);
    expect(Object.keys(model.enums)).toContain("IncidentKind");
    expect(postgres.enums).toEqual(model.enums);
    expect(postgres.types).toEqual(model.types);
    expect(postgres.columns).toEqual(model.columns);
  });

  it("derive the PostgreSQL schema from schema.prisma by its datasource and client output only", () => {
    const derived = postgresSchema(SCHEMA);
    expect(derived).toContain('provider = "postgresql"');
    expect(derived).toContain('output          = "../../src/generated/prisma-pg"');
    const body = (s: string) => s.slice(s.indexOf("\nenum ")); // enums and models, after generator and datasource
    expect(body(derived)).toBe(body(SCHEMA));
    expect(() => postgresSchema(SCHEMA.replace(/datasource db/, "datasource other"))).toThrow(/datasource db/);
  });
});
