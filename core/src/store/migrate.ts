// Applies the committed Prisma migrations (prisma/migrations/*/migration.sql)
// in order, each once, inside a transaction, and records each in Prisma's own
// `_prisma_migrations` ledger (store/prisma-ledger.ts): equivalent to `prisma
// migrate deploy` for SQLite, without spawning the CLI on every start, and
// `prisma migrate status` agrees with it.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "better-sqlite3";
import { PRISMA_LEDGER_DDL, adoptLegacyLedger, ledgerRow, readLedger, recordMigration } from "./prisma-ledger.ts";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

export function pendingMigrations(applied: Set<string>, available: string[]): string[] {
  return available.filter((name) => !applied.has(name)).sort();
}

/**
 * Applies the migrations of `dir` the ledger lacks and returns their names in order. Throws, naming it, when
 * the ledger holds a failed migration (started by `prisma migrate deploy`, neither finished nor rolled back):
 * resolve it with `prisma migrate resolve` first, as Prisma requires.
 */
export function migrate(db: Database, dir = MIGRATIONS_DIR): string[] {
  const script = (name: string): Buffer | null => {
    const file = path.join(dir, name, "migration.sql");
    return existsSync(file) ? readFileSync(file) : null;
  };
  db.exec(PRISMA_LEDGER_DDL);
  adoptLegacyLedger(db, script);
  const { applied, failed } = readLedger(db);
  if (failed.length > 0) {
    throw new Error(`_prisma_migrations: migration ${failed.join(", ")} failed earlier and is not resolved (prisma migrate resolve --rolled-back|--applied)`);
  }
  const available = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name);
  const done: string[] = [];
  for (const name of pendingMigrations(applied, available)) {
    const sql = script(name)!;
    const ran = db.transaction(() => {
      // Another process (a worker, the CLI) may have applied it since the ledger was read.
      if (readLedger(db).applied.has(name)) return false;
      const startedAt = new Date();
      db.exec(sql.toString("utf8"));
      recordMigration(db, ledgerRow(name, sql, startedAt, new Date()));
      return true;
    }).immediate();
    if (ran) done.push(name);
  }
  return done;
}
