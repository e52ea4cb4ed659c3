import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countTableRows } from "../../src/agent/row-counts.ts";
import { tableNamesProblem } from "../../src/reported-values.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let dir: TmpDir;
let file: string;
beforeAll(async () => {
  dir = await tmpDir();
  file = path.join(dir.path, "app.sqlite3");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY); CREATE TABLE "odd ""name""" (x); CREATE TABLE "\x1b]0;title\x07t" (x); CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER);
           CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT);`);
  for (let i = 0; i < 7; i++) db.prepare("INSERT INTO users DEFAULT VALUES").run();
  for (let i = 0; i < 3; i++) db.prepare("INSERT INTO posts (body) VALUES ('x')").run();
  db.prepare(`INSERT INTO "odd ""name""" VALUES (1)`).run();
  db.close();
});
afterAll(() => dir.remove());

describe("countTableRows", () => {
  it("counts every app table, leaving out SQLite's and Litestream's own, and names the core would refuse the heartbeat for", async () => {
    const result = await countTableRows(file, 1e9, 4096);
    expect(result).toEqual({ counts: { 'odd "name"': 1, posts: 3, users: 7 }, skipped: null });
    // The heartbeat carrying them passes the core's check (a control character in one name refused every heartbeat).
    expect(tableNamesProblem(result.counts)).toBeNull();
  });

  it("skips a database above the size limit, saying why", async () => {
    const r = await countTableRows(file, 1000, 4096);
    expect(r.counts).toBeNull();
    expect(r.skipped).toBe(`row counts skipped: ${file} is 4096 bytes, above the 1000-byte limit`);
  });
});
