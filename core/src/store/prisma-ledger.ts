// Prisma's own migration ledger, `_prisma_migrations`, written the way Prisma's schema engine writes it for
// SQLite (table DDL, sha256 checksum, RFC 3339 times as `migrate deploy` stores them through the
// better-sqlite3 adapter), so that `prisma migrate status` and `migrate deploy` see what the runner applied.
// Also adopts the ledger of the runner's first versions, `_borela_migrations`.
import { createHash, randomUUID } from "node:crypto";
import type { Database } from "better-sqlite3";

/** Copied from the table `prisma migrate deploy` 6.19 creates on SQLite (read back from sqlite_master). */
export const PRISMA_LEDGER_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const LEGACY_LEDGER = "_borela_migrations";

/** Prisma's migration checksum: lowercase hex sha256 of migration.sql's bytes. */
export function migrationChecksum(script: Buffer | string): string {
  return createHash("sha256").update(script).digest("hex");
}

/** A time as Prisma stores it in the ledger: `2026-11-29T22:52:07.951+00:00` (UTC, milliseconds). */
export function ledgerTime(at: Date): string {
  return at.toISOString().replace(/Z$/, "+00:00");
}

export interface LedgerRow {
  id: string;
  checksum: string;
  finished_at: string;
  migration_name: string;
  logs: null;
  rolled_back_at: null;
  started_at: string;
  applied_steps_count: number;
}

/** The row of one migration applied whole between startedAt and finishedAt (one step: the runner applies a script at once). */
export function ledgerRow(name: string, script: Buffer | string, startedAt: Date, finishedAt: Date): LedgerRow {
  return {
    id: randomUUID(),
    checksum: migrationChecksum(script),
    finished_at: ledgerTime(finishedAt),
    migration_name: name,
    logs: null,
    rolled_back_at: null,
    started_at: ledgerTime(startedAt),
    applied_steps_count: 1,
  };
}

export function recordMigration(db: Database, row: LedgerRow): void {
  db.prepare(
    `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
     VALUES (@id, @checksum, @finished_at, @migration_name, @logs, @rolled_back_at, @started_at, @applied_steps_count)`,
  ).run(row);
}

export interface LedgerState {
  /** Migrations applied and not rolled back. */
  applied: Set<string>;
  /** Migrations Prisma recorded as started and neither finished nor rolled back (`migrate deploy` refuses to go on: P3009). */
  failed: string[];
}

export function readLedger(db: Database): LedgerState {
  const rows = db
    .prepare(`SELECT migration_name AS name, finished_at AS finished, rolled_back_at AS rolledBack FROM "_prisma_migrations"`)
    .all() as { name: string; finished: string | null; rolledBack: string | null }[];
  return {
    applied: new Set(rows.filter((r) => r.finished !== null && r.rolledBack === null).map((r) => r.name)),
    failed: rows.filter((r) => r.finished === null && r.rolledBack === null).map((r) => r.name),
  };
}

/**
 * Moves the rows of the old `_borela_migrations` (name, appliedAt ISO) into `_prisma_migrations` and drops it,
 * in one transaction. `scriptOf(name)` gives the migration's current migration.sql (null when the directory
 * lacks it: that row is still recorded, with the checksum of nothing, so Prisma reports it as absent locally
 * rather than as pending). Returns the adopted names; none when there is no old ledger.
 */
export function adoptLegacyLedger(db: Database, scriptOf: (name: string) => Buffer | null): string[] {
  const exists = () => db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(LEGACY_LEDGER) !== undefined;
  if (!exists()) return [];
  return db.transaction(() => {
    // Another process opening the same file may have adopted it since.
    if (!exists()) return [];
    const known = readLedger(db).applied;
    const old = db.prepare(`SELECT name, appliedAt FROM "${LEGACY_LEDGER}" ORDER BY name`).all() as { name: string; appliedAt: string }[];
    const adopted: string[] = [];
    for (const { name, appliedAt } of old) {
      if (known.has(name)) continue;
      const at = new Date(appliedAt);
      if (Number.isNaN(at.getTime())) throw new Error(`${LEGACY_LEDGER}.appliedAt of ${name} is not a time: ${JSON.stringify(appliedAt)}`);
      recordMigration(db, ledgerRow(name, scriptOf(name) ?? "", at, at));
      adopted.push(name);
    }
    db.exec(`DROP TABLE "${LEGACY_LEDGER}"`);
    return adopted;
  }).immediate();
}
