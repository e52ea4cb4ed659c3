// The drill's integrity check runs split over worker threads (quick_check over
// the whole file beside integrity_check(TABLE) per table, check-plan.ts). It
// must fail wherever one full `PRAGMA integrity_check` fails. Two damages,
// each replicated for real by Litestream 0.3 and drilled by the isolated job:
//  - an index entry changed in place (b-tree still well formed): only the
//    per-table checks can see it, quick_check answers ok;
//  - the freelist dropped from the header (its pages now belong to nothing):
//    only the whole-file quick_check can see it, every per-table check answers ok.
// Each is compared with the sqlite3 CLI's full integrity_check and row counts
// of a plain `litestream restore` of the same replica, and the split plan is
// also run on two threads whatever the drill chose under the machine's load.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { replicate, tableCounts } from "./fixtures.ts";
import { runIsolatedJob, type IsolatedPassed } from "../../src/drills/isolation/job.ts";
import { planCheck } from "../../src/drills/check-plan.ts";
import { runCheckPlan, tableNames } from "../../src/drills/check-pool.ts";

const LITESTREAM = path.resolve("node_modules/@flydotio/litestream-linux-x64/litestream");
const PAGE = 4096;

let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-split-check-");
});
afterAll(async () => {
  await tmp?.remove();
});

/** Users with a UNIQUE email, orders with an index, and a freelist (orders deleted). */
function buildDatabase(file: string): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(`
    CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), total INTEGER NOT NULL);
    CREATE INDEX orders_user ON orders(user_id);
  `);
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) db.prepare("INSERT INTO users (email, name) VALUES (?, ?)").run(`user${i}@example.com`, `User ${i}`);
    for (let i = 0; i < 6000; i++) db.prepare("INSERT INTO orders (user_id, total) VALUES (?, ?)").run(1 + (i % 2000), i);
  })();
  db.exec("DELETE FROM orders WHERE id > 3000");
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

function patch(file: string, offset: number, bytes: Buffer): void {
  const fd = openSync(file, "r+");
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

/** Changes one index entry's email in place ("…example.com" → "…example.con"): keys stay in order. */
function damageIndexEntry(file: string): void {
  const db = new Database(file, { readonly: true });
  const pages = (db.prepare("SELECT pageno FROM dbstat WHERE name = 'sqlite_autoindex_users_1' AND pagetype = 'leaf'").all() as { pageno: number }[]).map((r) => r.pageno);
  db.close();
  const needle = Buffer.from("user1000@example.com");
  const fd = openSync(file, "r");
  const page = Buffer.alloc(PAGE);
  try {
    for (const no of pages) {
      readSync(fd, page, 0, PAGE, (no - 1) * PAGE);
      const at = page.indexOf(needle);
      if (at === -1) continue;
      closeSync(fd);
      patch(file, (no - 1) * PAGE + at + needle.length - 1, Buffer.from("n"));
      return;
    }
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  closeSync(fd);
  throw new Error("index entry not found");
}

/** Zeroes the header's first freelist trunk page and freelist count (offsets 32 and 36). */
function dropFreelist(file: string): void {
  const db = new Database(file, { readonly: true });
  expect((db.pragma("freelist_count") as { freelist_count: number }[])[0].freelist_count).toBeGreaterThan(0);
  db.close();
  patch(file, 32, Buffer.alloc(8));
}

const sqlite3 = (file: string, sql: string) => execFileSync("sqlite3", [file, sql], { encoding: "utf8" }).trim();

async function drillDamaged(name: string, damage: (file: string) => void) {
  const dir = path.join(tmp.path, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "app.sqlite3");
  buildDatabase(file);
  damage(file);
  const replica = { type: "file" as const, path: path.join(dir, "replica") };
  // One write through Litestream, so the damaged file is snapshotted and caught up.
  await replicate(path.join(dir, "ls"), file, replica, [() => undefined]);
  const generation = execFileSync(LITESTREAM, ["generations", `file://${replica.path}`], { encoding: "utf8" }).split("\n")[1].split(/\s+/)[1];
  const jobDir = path.join(dir, "job");
  mkdirSync(jobDir);
  const job = { replica, generation, timestamp: null, checkPolicy: "integrity" as const, assertions: [], restoreTimeoutMs: 60_000, checkTimeoutMs: 60_000, litestreamBin: LITESTREAM, litestreamLine: "0.3" as const, txid: null };
  const result = await runIsolatedJob(job, jobDir, () => undefined);
  const plain = path.join(dir, "plain.sqlite3");
  execFileSync(LITESTREAM, ["restore", "-o", plain, `file://${replica.path}`]);
  expect(result.ok, JSON.stringify(result)).toBe(true);
  const passed = result as IsolatedPassed;
  expect(passed.inspection.tables).toEqual(tableCounts(plain));
  // The drill split its check only if the machine had a spare thread; split on two threads here whatever the load.
  const plan = planCheck("integrity_check", tableNames(plain), 2);
  expect(plan.length).toBeGreaterThan(2);
  const split = (await runCheckPlan(plain, plan, 2, 60_000)).integrity;
  return { passed, plain, split };
}

describe("the split integrity check fails where the full one fails", () => {
  it("a changed index entry: the drill's check fails as sqlite3's full integrity_check does, though quick_check passes", async () => {
    const { passed, plain, split } = await drillDamaged("index", damageIndexEntry);
    const full = sqlite3(plain, "PRAGMA integrity_check");
    expect(full).not.toBe("ok");
    expect(full).toMatch(/sqlite_autoindex_users_1/);
    expect(sqlite3(plain, "PRAGMA quick_check")).toBe("ok");
    expect(passed.inspection.integrity).not.toBe("ok");
    expect(passed.inspection.integrity).toMatch(/sqlite_autoindex_users_1/);
    expect(split).toMatch(/sqlite_autoindex_users_1/);
  }, 120_000);

  it("pages dropped from the freelist: the drill's check fails as sqlite3's full integrity_check does, though every per-table check passes", async () => {
    const { passed, plain, split } = await drillDamaged("freelist", dropFreelist);
    const full = sqlite3(plain, "PRAGMA integrity_check");
    expect(full).toMatch(/never used/);
    for (const table of ["users", "orders"]) expect(sqlite3(plain, `PRAGMA integrity_check('${table}')`)).toBe("ok");
    expect(passed.inspection.integrity).toMatch(/never used/);
    expect(split).toMatch(/never used/);
  }, 120_000);
});
