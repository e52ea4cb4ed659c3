// Statements written with @name parameters and bound by position (bound-statement.ts) bind what better-sqlite3's named binding would.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Sqlite from "better-sqlite3";
import { prepareAllBound, prepareBound } from "../../src/store/bound-statement.ts";

let db: Sqlite.Database;
beforeEach(() => {
  db = new Sqlite(":memory:");
  db.exec(`CREATE TABLE t (id TEXT PRIMARY KEY, a TEXT, b INTEGER, at TEXT)`);
});
afterEach(() => db.close());

describe("prepareBound", () => {
  it("binds each @name from the object, a name used twice in both places, in the statement's order", () => {
    const insert = prepareBound(db, `INSERT INTO t (id, a, b, at) VALUES (@id, @a, @b, @at)`);
    insert.run({ b: 2, at: "t1", id: "x", a: "one" });
    const touch = prepareBound(db, `UPDATE t SET at = @at WHERE id = @id AND (at IS NULL OR at < @at)`);
    expect(touch.run({ id: "x", at: "t0" }).changes).toBe(0);
    expect(touch.run({ id: "x", at: "t2" }).changes).toBe(1);
    expect(prepareBound(db, `SELECT id, a, b, at FROM t WHERE b = @b AND a = @a`).get({ a: "one", b: 2 })).toEqual({ id: "x", a: "one", b: 2, at: "t2" });
    // The same rows as better-sqlite3's own named binding.
    db.prepare(`INSERT INTO t (id, a, b, at) VALUES (@id, @a, @b, @at)`).run({ b: 3, at: "t1", id: "y", a: "two" });
    expect(prepareBound(db, `SELECT id, b FROM t WHERE b >= @min ORDER BY id`).all({ min: 2 })).toEqual([{ id: "x", b: 2 }, { id: "y", b: 3 }]);
  });

  it("refuses an object that lacks a name, naming it; null binds NULL", () => {
    const insert = prepareBound(db, `INSERT INTO t (id, a, b, at) VALUES (@id, @a, @b, @at)`);
    expect(() => insert.run({ id: "x", a: "one", b: 1 })).toThrow(/missing named parameter "at"/);
    insert.run({ id: "x", a: null, b: 1, at: null });
    expect(db.prepare(`SELECT a, at FROM t`).get()).toEqual({ a: null, at: null });
  });

  it("passes positional arguments through for a statement without @names", () => {
    const stmts = prepareAllBound(db, { insert: `INSERT INTO t (id, b) VALUES (?, ?)`, byId: `SELECT b FROM t WHERE id = ?` });
    stmts.insert.run("z", 7);
    expect(stmts.byId.get("z")).toEqual({ b: 7 });
    expect(stmts.byId.all("none")).toEqual([]);
  });
});
