// Applies the committed Prisma migrations (prisma/migrations/*/migration.sql)
// in order, each once, inside a transaction. Equivalent to `prisma migrate
// deploy` for SQLite, without spawning the CLI on every start.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "better-sqlite3";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

export function pendingMigrations(applied: Set<string>, available: string[]): string[] {
  return available.filter((name) => !applied.has(name)).sort();
}

export function migrate(db: Database, dir = MIGRATIONS_DIR): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS "_borela_migrations" (name TEXT PRIMARY KEY, appliedAt TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare(`SELECT name FROM "_borela_migrations"`).all() as { name: string }[]).map((r) => r.name),
  );
  const available = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name);
  const todo = pendingMigrations(applied, available);
  for (const name of todo) {
    const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
    db.transaction(() => {
      db.exec(sql);
      db.prepare(`INSERT INTO "_borela_migrations" (name, appliedAt) VALUES (?, ?)`).run(name, new Date().toISOString());
    })();
  }
  return todo;
}
