// Issue 17 item 6: the migration runner records what it applied in Prisma's own `_prisma_migrations`, so the
// real `prisma migrate status` (the CLI, pointed at the file through prisma.config.ts) agrees with it; a
// database the old runner built (its `_borela_migrations` ledger) upgrades without re-applying anything.
import { execFile } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Sqlite, { type Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrate } from "../../src/store/migrate.ts";
import { databaseFile, openStore } from "../../src/store/db.ts";
import { migrationChecksum } from "../../src/store/prisma-ledger.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const CORE = path.resolve(import.meta.dirname, "../..");
const PRISMA_CLI = path.resolve(CORE, "../node_modules/prisma/build/index.js");
const ALL = readdirSync(MIGRATIONS_DIR).filter((n) => existsSync(path.join(MIGRATIONS_DIR, n, "migration.sql"))).sort();

/** Runs the real Prisma CLI in core/ against `file`; returns its exit code and output. */
async function prisma(file: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [PRISMA_CLI, ...args], {
      cwd: CORE,
      env: { ...process.env, BORELA_DATABASE_FILE: file, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      timeout: 60_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** The runner as it was before this change (commit 721b10c): its own ledger, nothing in `_prisma_migrations`. */
function oldRunner(db: Database, dir = MIGRATIONS_DIR): void {
  db.exec(`CREATE TABLE IF NOT EXISTS "_borela_migrations" (name TEXT PRIMARY KEY, appliedAt TEXT NOT NULL)`);
  const applied = new Set((db.prepare(`SELECT name FROM "_borela_migrations"`).all() as { name: string }[]).map((r) => r.name));
  const available = readdirSync(dir).filter((n) => existsSync(path.join(dir, n, "migration.sql")));
  for (const name of available.filter((n) => !applied.has(n)).sort()) {
    const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
    db.transaction(() => {
      db.exec(sql);
      db.prepare(`INSERT INTO "_borela_migrations" (name, appliedAt) VALUES (?, ?)`).run(name, new Date().toISOString());
    })();
  }
}

interface Row {
  migration_name: string;
  checksum: string;
  started_at: string;
  finished_at: string | null;
  logs: string | null;
  rolled_back_at: string | null;
  applied_steps_count: number;
}

function ledger(file: string): { ddl: string; rows: Row[]; tables: string[] } {
  const db = new Sqlite(file, { readonly: true });
  try {
    return {
      ddl: (db.prepare(`SELECT sql FROM sqlite_master WHERE name = '_prisma_migrations'`).get() as { sql: string }).sql,
      rows: db.prepare(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`).all() as Row[],
      tables: (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name),
    };
  } finally {
    db.close();
  }
}

const UP_TO_DATE = "Database schema is up to date!";
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;

let dir: TmpDir;
beforeEach(async () => {
  dir = await tmpDir("borela-prisma-ledger-");
});
afterEach(async () => {
  await dir.remove();
});

describe("the migration runner and Prisma's ledger", () => {
  it("a store the runner built is up to date for `prisma migrate status`, with the rows `prisma migrate deploy` writes", async () => {
    const store = await openStore(dir.path);
    await store.$disconnect();
    const file = databaseFile(dir.path);
    const status = await prisma(file, "migrate", "status");
    expect(status.out).toContain(`${ALL.length} migrations found`);
    expect(status.out).toContain(UP_TO_DATE);
    expect(status.code).toBe(0);

    // The same migrations applied by Prisma itself: same table, same names and checksums, same time format.
    const theirs = path.join(dir.path, "by-prisma.db");
    const deploy = await prisma(theirs, "migrate", "deploy");
    expect(deploy.code).toBe(0);
    const ours = ledger(file);
    const prismas = ledger(theirs);
    expect(ours.ddl).toBe(prismas.ddl);
    const shape = (r: Row) => [r.migration_name, r.checksum, r.logs, r.rolled_back_at, r.applied_steps_count];
    expect(ours.rows.map(shape)).toEqual(prismas.rows.map(shape));
    expect(ours.rows.map((r) => r.migration_name)).toEqual(ALL);
    expect(ours.rows[0].checksum).toBe(migrationChecksum(readFileSync(path.join(MIGRATIONS_DIR, ALL[0], "migration.sql"))));
    for (const r of [...ours.rows, ...prismas.rows]) {
      expect(r.started_at).toMatch(TIME);
      expect(r.finished_at).toMatch(TIME);
    }
    expect(ours.tables).toEqual(prismas.tables);
    // And Prisma reads a ledger the runner wrote: deploy finds nothing left to apply.
    expect((await prisma(file, "migrate", "deploy")).out).toContain("No pending migrations to apply.");
  });

  it("a database the old runner built upgrades on open: its ledger moves to Prisma's, nothing is re-applied, rows stay", async () => {
    const file = databaseFile(dir.path);
    const raw = new Sqlite(file);
    oldRunner(raw);
    raw.exec(`INSERT INTO "Project" (id, name, drillSchedule, badgeKey, storagePrefix, updatedAt) VALUES ('p1', 'shop', '0 3 * * 0', 'b1', 'p/p1', CURRENT_TIMESTAMP)`);
    const oldTimes = raw.prepare(`SELECT name, appliedAt FROM "_borela_migrations" ORDER BY name`).all() as { name: string; appliedAt: string }[];
    raw.close();
    // Before: Prisma's tools cannot see the old ledger.
    const before = await prisma(file, "migrate", "status");
    expect(before.out).not.toContain(UP_TO_DATE);
    expect(before.code).not.toBe(0);

    const again = new Sqlite(file);
    // A re-applied init would fail on CREATE TABLE "Project"; an empty result says nothing was run.
    expect(migrate(again)).toEqual([]);
    again.close();
    const after = ledger(file);
    expect(after.tables).not.toContain("_borela_migrations");
    expect(after.rows.map((r) => [r.migration_name, r.started_at, r.finished_at])).toEqual(
      oldTimes.map((o) => [o.name, o.appliedAt.replace(/Z$/, "+00:00"), o.appliedAt.replace(/Z$/, "+00:00")]),
    );
    const store = await openStore(dir.path);
    expect(await store.project.findMany({ select: { id: true } })).toEqual([{ id: "p1" }]);
    await store.$disconnect();
    const status = await prisma(file, "migrate", "status");
    expect(status.out).toContain(UP_TO_DATE);
    expect(status.code).toBe(0);
  });

  it("an old-ledger database from an older release adopts what it had and applies only the newer migrations", async () => {
    const older = path.join(dir.path, "older");
    const cut = ALL[ALL.length - 3];
    for (const name of ALL.filter((n) => n < cut)) cpSync(path.join(MIGRATIONS_DIR, name), path.join(older, name), { recursive: true });
    const file = databaseFile(dir.path);
    const raw = new Sqlite(file);
    oldRunner(raw, older);
    expect(migrate(raw)).toEqual(ALL.filter((n) => n >= cut));
    expect(migrate(raw)).toEqual([]);
    raw.close();
    expect(ledger(file).rows.map((r) => r.migration_name)).toEqual(ALL);
    const status = await prisma(file, "migrate", "status");
    expect(status.out).toContain(UP_TO_DATE);
  });

  it("a migration Prisma left failed stops the runner, naming it", () => {
    const raw = new Sqlite(databaseFile(dir.path));
    try {
      migrate(raw);
      raw.prepare(`UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = ?`).run(ALL[ALL.length - 1]);
      expect(() => migrate(raw)).toThrow(new RegExp(`migration ${ALL[ALL.length - 1]} failed earlier`));
    } finally {
      raw.close();
    }
  });
});
