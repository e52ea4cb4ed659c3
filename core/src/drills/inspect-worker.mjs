// Runs in a worker thread so the drill can stop a check that runs too long
// (better-sqlite3 is synchronous). Plain JavaScript: workers do not inherit
// the TypeScript loader.
//
// `part` says what a worker does: "pool" runs the jobs the parent hands it
// one at a time (check-pool.ts): a statement of the integrity check's plan
// (check-plan.ts) by index, or "data" (the foreign keys, row counts and the
// marker), asking for the next by answering, until told to stop; several such
// workers at once. "assertions" runs the project's queries from index `from`
// on, one message per query (after a "ready" once open) so the parent can
// hold each to its own time limit. Each opens its own read-only connection.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { file, statements, assertions, part, from = 0 } = workerData;
const send = (msg) => parentPort.postMessage(msg);

function quoteIdent(name) {
  return `"${String(name).replace(/"/g, '""')}"`;
}

// One answer per job; the parent's reply to it is the next job or the stop.
function pool(db) {
  send({ ready: true });
  parentPort.on("message", (msg) => {
    try {
      if (msg.stop) {
        db.close();
        send({ done: true });
        parentPort.close();
      } else if (msg.run === "data") {
        send({ data: data(db, msg.pages === true) });
      } else {
        send({ step: `check ${msg.run + 1}/${statements.length}` });
        send({ answer: { index: msg.run, lines: db.prepare(statements[msg.run]).all().map((r) => String(Object.values(r)[0])) } });
      }
    } catch (err) {
      send({ failed: err.message });
    }
  });
}

// Each b-tree's pages first (when asked), so the parent can hand out the largest table checks early.
function data(db, pages) {
  if (pages) {
    send({ step: "page counts" });
    let counts = {};
    try {
      counts = Object.fromEntries(db.prepare("SELECT name, pageno FROM dbstat('main', 1)").raw(true).all());
    } catch {
      // A damaged b-tree is the checks' to report; without counts the plan order stands.
    }
    send({ pages: counts });
  }
  send({ step: "foreign_keys" });
  const foreignKeyViolations = db.prepare("PRAGMA foreign_key_check").all().length;
  send({ step: "counts" });
  // Litestream's own bookkeeping tables are not the application's data.
  const names = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND substr(name, 1, 12) != '_litestream_' ORDER BY name")
    .all()
    .map((r) => r.name);
  const tables = {};
  for (const name of names) tables[name] = Number(db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(name)}`).get().n);
  const marker = names.includes("_borela_marker")
    ? (db.prepare("SELECT value, at FROM _borela_marker ORDER BY at DESC LIMIT 1").get() ?? null)
    : null;
  return { foreignKeyViolations, tables, marker };
}

function runAssertion(db, sql) {
  try {
    const stmt = db.prepare(sql);
    if (!stmt.reader) return { error: "not a read-only query" };
    const row = stmt.raw(true).get();
    const value = row && row[0] !== null ? Number(row[0]) : null;
    return value !== null && Number.isFinite(value) ? { value } : { error: `returned ${row ? JSON.stringify(row[0]) : "no row"}, not a number` };
  } catch (err) {
    return { error: err.message };
  }
}

try {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma("query_only = ON");
  // Reading the restored copy through a memory map and a larger cache makes the checks I/O-light.
  db.pragma("mmap_size = 4294967296");
  db.pragma("cache_size = -131072");
  if (part === "pool") pool(db);
  else {
    send({ ready: true });
    for (let i = from; i < assertions.length; i++) send({ assertion: runAssertion(db, assertions[i].sql) });
    db.close();
    send({ done: {} });
  }
} catch (err) {
  send({ failed: err.message });
}
