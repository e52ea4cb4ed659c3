import { existsSync, statSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { guardPlan, WalGuard } from "../../src/agent/wal-guard.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

describe("guardPlan", () => {
  it("opens guards on present files, reopens replaced ones, closes gone ones", () => {
    const held = new Map([["/a", 1], ["/b", 2], ["/c", 3]]);
    const seen = new Map<string, number | null>([["/a", 1], ["/b", 9], ["/c", null], ["/d", 4], ["/e", null]]);
    expect(guardPlan(held, seen)).toEqual({ open: ["/b", "/d"], close: ["/b", "/c"] });
    expect(guardPlan(new Map([["/x", 1]]), new Map())).toEqual({ open: [], close: ["/x"] });
  });
});

describe("WalGuard on a real database", () => {
  let dir: TmpDir | null = null;
  afterEach(async () => {
    await dir?.remove();
    dir = null;
  });

  it("keeps the WAL when the app closes last, and does not checkpoint it when it closes itself", async () => {
    dir = await tmpDir("borela-walguard-");
    const file = path.join(dir.path, "app.sqlite3");
    const seed = (db: Database.Database) => {
      db.exec("CREATE TABLE IF NOT EXISTS t (x)");
      for (let i = 0; i < 20; i++) db.prepare("INSERT INTO t VALUES (?)").run(i);
    };
    // Without a guard: the app closing last checkpoints and deletes the WAL (what made Litestream clear its generation).
    let app = new Database(file);
    app.pragma("journal_mode = WAL");
    seed(app);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    app.close();
    expect(existsSync(`${file}-wal`)).toBe(false);

    const guard = new WalGuard();
    await guard.hold([file, path.join(dir.path, "missing.sqlite3")]);
    expect(guard.held()).toEqual([file]);
    app = new Database(file);
    seed(app);
    const header = Buffer.from(await import("node:fs/promises").then((fs) => fs.readFile(`${file}-wal`))).subarray(0, 32);
    app.close();
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(32);
    guard.release();
    const after = await import("node:fs/promises").then((fs) => fs.readFile(`${file}-wal`));
    expect(after.subarray(0, 32).equals(header)).toBe(true);
    await guard.hold([file]);
    expect(guard.held()).toEqual([]); // released for good

    // A file that is replaced gets a new guard; an empty file gets none.
    const g2 = new WalGuard();
    await g2.hold([file]);
    await rm(file);
    await writeFile(file, "");
    await g2.hold([file]);
    expect(g2.held()).toEqual([]);
    g2.release();
  });
});
