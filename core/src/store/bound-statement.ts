// Statements written with @name parameters (readable, checked against the schema by
// test/store/fast-sql-schema.test.ts) but bound by position. better-sqlite3 binds a named
// parameter by looking its name up on the object through N-API: on a heartbeat's writes that
// cost as many instructions as running the statements (callgrind: 94k of 367k per heartbeat);
// reading the same values in JavaScript and passing them as positional arguments does not.
import type Sqlite from "better-sqlite3";

/**
 * `run`, `get` and `all` of a statement: with @name parameters, one object holding every name
 * (a missing one throws TypeError naming it, as better-sqlite3 would); without, positional arguments.
 */
export interface BoundStatement {
  run(...args: unknown[]): Sqlite.RunResult;
  get(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown[];
}

/** `sql`'s @name parameters become `?`; each call reads the names from its object, in order. */
export function prepareBound(db: Sqlite.Database, sql: string): BoundStatement {
  const names: string[] = [];
  const stmt = db.prepare(
    sql.replace(/@(\w+)/g, (_match, name: string) => {
      names.push(name);
      return "?";
    }),
  );
  if (names.length === 0) return { run: (...args) => stmt.run(...args), get: (...args) => stmt.get(...args), all: (...args) => stmt.all(...args) };
  const positional = (values: unknown): unknown[] => {
    const from = values as Record<string, unknown>;
    const out = new Array<unknown>(names.length);
    for (let i = 0; i < names.length; i++) {
      const value = from[names[i]];
      if (value === undefined) throw new TypeError(`missing named parameter "${names[i]}"`);
      out[i] = value;
    }
    return out;
  };
  return { run: (values) => stmt.run(...positional(values)), get: (values) => stmt.get(...positional(values)), all: (values) => stmt.all(...positional(values)) };
}

/** prepareBound for each statement of a group; a column the schema lacks fails here, at start. */
export function prepareAllBound<K extends string>(db: Sqlite.Database, sql: Readonly<Record<K, string>>): Record<K, BoundStatement> {
  const out = {} as Record<K, BoundStatement>;
  for (const key of Object.keys(sql) as K[]) out[key] = prepareBound(db, sql[key]);
  return out;
}
