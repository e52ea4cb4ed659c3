// Applies the PostgreSQL store's migrations (prisma/postgresql/migrations/*/migration.sql) in
// order, each once, each in one transaction with its row in Prisma's own `_prisma_migrations`
// ledger (the row store/prisma-ledger.ts builds for SQLite), so `prisma migrate status --config
// prisma.postgresql.config.ts` agrees with it. The PostgreSQL counterpart of store/migrate.ts.
//
// Why not `prisma migrate deploy`: Prisma 6.19's JS schema engine cannot create its ledger
// through @prisma/adapter-pg (it reads a column of PostgreSQL's `name` type, which the adapter
// cannot decode: "Column type 'name' could not be deserialized", prisma/orm#27403), and the
// native engine would be downloaded at run time. Reading the ledger (status) works.
//
// Several core processes may start at once: a session-level advisory lock makes one of them
// migrate while the others wait for it, then find nothing pending.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ClientBase } from "pg";
import { pendingMigrations } from "./migrate.ts";
import { ledgerRow } from "./prisma-ledger.ts";

export const POSTGRES_MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/postgresql/migrations");

/** The table `prisma migrate deploy` creates on PostgreSQL (Prisma 6.19's schema engine). */
export const POSTGRES_LEDGER_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** pg_advisory_lock key held while migrating: "borela-m" as 8 bytes. */
const MIGRATION_LOCK = "7093013718067391853";

/**
 * Applies the migrations of `dir` the ledger lacks, on a connected client, and returns their names
 * in order. Throws naming the migration when one fails (its transaction is rolled back, nothing
 * recorded) or when the ledger holds a failed one (`prisma migrate resolve` first, as Prisma requires).
 */
export async function migratePostgres(client: ClientBase, dir = POSTGRES_MIGRATIONS_DIR): Promise<string[]> {
  await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
  try {
    await client.query(POSTGRES_LEDGER_DDL);
    const { rows } = await client.query<{ name: string; finished: Date | null; rolledBack: Date | null }>(
      `SELECT migration_name AS name, finished_at AS finished, rolled_back_at AS "rolledBack" FROM "_prisma_migrations"`,
    );
    const failed = rows.filter((r) => r.finished === null && r.rolledBack === null).map((r) => r.name);
    if (failed.length > 0) {
      throw new Error(`_prisma_migrations: migration ${failed.join(", ")} failed earlier and is not resolved (prisma migrate resolve --rolled-back|--applied)`);
    }
    const applied = new Set(rows.filter((r) => r.finished !== null && r.rolledBack === null).map((r) => r.name));
    const available = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "migration.sql")))
      .map((e) => e.name);
    const done: string[] = [];
    for (const name of pendingMigrations(applied, available)) {
      const script = readFileSync(path.join(dir, name, "migration.sql"));
      const startedAt = new Date();
      await client.query("BEGIN");
      try {
        await client.query(script.toString("utf8"));
        const row = ledgerRow(name, script, startedAt, new Date());
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6)`,
          [row.id, row.checksum, row.finished_at, row.migration_name, row.started_at, row.applied_steps_count],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw new Error(`PostgreSQL migration ${name} failed: ${(err as Error).message}`);
      }
      done.push(name);
    }
    return done;
  } finally {
    await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => {});
  }
}
