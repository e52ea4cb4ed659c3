// The check pool's shell: how many threads it finds spare, and the job list
// run on a real SQLite file over more workers than two.
import { describe, expect, it } from "vitest";
import path from "node:path";
import Database from "better-sqlite3";
import { useTmpDir } from "../support/use-tmp.ts";
import { planCheck } from "../../src/drills/check-plan.ts";
import { runJobs, spareNow, tableShapes } from "../../src/drills/check-pool.ts";

const tmp = useTmpDir("borela-check-pool-");

describe("spareNow", () => {
  it("a thread runnable for a moment does not decide: the best of a few readings", async () => {
    // The drill's parent writing a progress step as the check starts, then nothing else running.
    const readings = ["0.9 0.5 0.3 2/300 1\n", "0.9 0.5 0.3 1/300 1\n"];
    let reads = 0;
    expect(await spareNow(2, () => readings[Math.min(reads++, readings.length - 1)], 4, 1)).toBe(2);
    expect(reads).toBe(2);
  });

  it("one reading when every cpu is spare; at most `samples` when the machine stays busy", async () => {
    let reads = 0;
    expect(await spareNow(2, () => (reads++, "0.1 0.1 0.1 1/300 1\n"), 4, 1)).toBe(2);
    expect(reads).toBe(1);
    reads = 0;
    expect(await spareNow(2, () => (reads++, "9.0 9.0 9.0 12/300 1\n"), 4, 1)).toBe(1);
    expect(reads).toBe(4);
  });
});

describe("runJobs", () => {
  it("every statement answered and the data job's findings, on more workers than two", async () => {
    const file = path.join(tmp.path, "app.sqlite3");
    const db = new Database(file);
    db.pragma("foreign_keys = OFF"); // one order names a user that does not exist: foreign_key_check finds it
    db.exec(`
      CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
      CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id));
      CREATE INDEX orders_user ON orders(user_id);
      CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
    `);
    db.transaction(() => {
      for (let i = 1; i <= 500; i++) db.prepare("INSERT INTO users (id, email) VALUES (?, ?)").run(i, `u${i}@example.com`);
      for (let i = 0; i < 2000; i++) db.prepare("INSERT INTO orders (user_id) VALUES (?)").run(1 + (i % 500));
      db.prepare("INSERT INTO orders (user_id) VALUES (9999)").run();
      for (let i = 0; i < 300; i++) db.prepare("INSERT INTO notes (body) VALUES (?)").run("x".repeat(3000));
    })();
    db.close();
    const shapes = tableShapes(file);
    expect(shapes.indexes).toEqual({ users: ["sqlite_autoindex_users_1"], orders: ["orders_user"] });
    const plan = planCheck("integrity_check", shapes.tables, 3);
    expect(plan).toHaveLength(4);
    const steps: string[] = [];
    const run = runJobs(file, plan, shapes.indexes, 3, 60_000, (s) => steps.push(s));
    const data = await run.data;
    expect(await run.integrity).toBe("ok");
    expect(data).toEqual({ foreignKeyViolations: 1, tables: { notes: 300, orders: 2001, users: 500 }, marker: null });
    for (let i = 1; i <= plan.length; i++) expect(steps).toContain(`check ${i}/${plan.length}`);
    expect(steps).toContain("page counts");
  });
});
