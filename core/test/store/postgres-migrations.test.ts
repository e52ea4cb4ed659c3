// Issue 20, foundation: the PostgreSQL store's migrations (prisma/postgresql/migrations) apply on a
// fresh cluster through store/postgres-migrate.ts, once even when two cores start together, and
// Prisma's own `prisma migrate status` reads the ledger they leave as up to date.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_MIGRATIONS_DIR, migratePostgres } from "../../src/store/postgres-migrate.ts";
import { writePostgresSchema } from "../support/postgres-schema-file.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const CORE = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

let cluster: PostgresCluster;
let tmp: TmpDir;

beforeAll(async () => {
  [cluster, tmp] = await Promise.all([startPostgres(), tmpDir("borela-pg-migrations-")]);
  writePostgresSchema();
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
  await tmp?.remove();
});

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** `prisma migrate status` against the PostgreSQL schema: exit code and output. */
async function prismaStatus(url: string): Promise<{ code: number; output: string }> {
  const prisma = path.join(CORE, "..", "node_modules", ".bin", "prisma");
  try {
    const { stdout, stderr } = await run(prisma, ["migrate", "status", "--config", "prisma.postgresql.config.ts"], {
      cwd: CORE,
      env: { ...process.env, BORELA_DATABASE_URL: url },
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("PostgreSQL migrations", () => {
  it("apply once on a fresh database while two cores start together, and prisma migrate status says up to date", async () => {
    const url = await cluster.createDatabase("fresh");
    const before = await prismaStatus(url);
    expect(before.code, before.output).toBe(1);
    expect(before.output).toMatch(/have not yet been applied[\s\S]*20270109000000_baseline/);

    const [a, b] = await Promise.all([connect(url), connect(url)]);
    try {
      const results = await Promise.all([migratePostgres(a), migratePostgres(b)]);
      const all = readdirSync(POSTGRES_MIGRATIONS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
      expect(all[0]).toBe("20270109000000_baseline");
      // One core applied every migration, in order; the other waited on the lock and found none pending.
      expect(results.map((r) => r.length).sort()).toEqual([0, all.length]);
      expect(results.flat()).toEqual(all);
      const { rows } = await a.query(`SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);
      expect(rows.map((r) => r.migration_name)).toEqual(all);
      expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
      expect(await migratePostgres(a)).toEqual([]);
      const tables = await a.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(tables.rows[0].n).toBeGreaterThan(10);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }

    const after = await prismaStatus(url);
    expect(after.code, after.output).toBe(0);
    expect(after.output).toContain("Database schema is up to date!");
  }, 120_000);

  it("rolls a failing migration back whole and names it; nothing is recorded", async () => {
    const url = await cluster.createDatabase("failing");
    const dir = path.join(tmp.path, "migrations");
    await mkdir(path.join(dir, "1_good"), { recursive: true });
    await mkdir(path.join(dir, "2_bad"), { recursive: true });
    await writeFile(path.join(dir, "1_good", "migration.sql"), `CREATE TABLE "Good" ("id" TEXT PRIMARY KEY);`);
    await writeFile(path.join(dir, "2_bad", "migration.sql"), `CREATE TABLE "Half" ("id" TEXT PRIMARY KEY);\nSELECT * FROM "Missing";`);
    const client = await connect(url);
    try {
      await expect(migratePostgres(client, dir)).rejects.toThrow(/PostgreSQL migration 2_bad failed: .*"Missing"/);
      const { rows } = await client.query(`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`);
      expect(rows.map((r) => r.migration_name)).toEqual(["1_good"]);
      const half = await client.query(`SELECT to_regclass('"Half"') AS t, to_regclass('"Good"') AS g`);
      expect(half.rows[0]).toEqual({ t: null, g: "\"Good\"" });
    } finally {
      await client.end();
    }
  }, 60_000);
});
