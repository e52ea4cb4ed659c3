// Runs in a worker thread so the drill can stop a check that runs too long
// (better-sqlite3 is synchronous). Plain JavaScript: workers do not inherit
// the TypeScript loader.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { file, check, assertions } = workerData;

function quoteIdent(name) {
  return `"${String(name).replace(/"/g, '""')}"`;
}

const send = (msg) => parentPort.postMessage(msg);

try {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma("query_only = ON");
  send({ step: "check" });
  const checkRows = db.prepare(`PRAGMA ${check === "quick_check" ? "quick_check" : "integrity_check"}`).all();
  const integrityLines = checkRows.map((r) => Object.values(r)[0]);
  const integrity = integrityLines.length === 1 && integrityLines[0] === "ok" ? "ok" : integrityLines.slice(0, 50).join("\n");
  send({ step: "foreign_keys" });
  const foreignKeyViolations = db.prepare("PRAGMA foreign_key_check").all().length;
  send({ step: "counts" });
  // Litestream's own bookkeeping tables are not the application's data.
  const names = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND substr(name, 1, 12) != '_litestream_' ORDER BY name")
    .all()
    .map((r) => r.name);
  const tables = {};
  for (const name of names) tables[name] = Number(db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(name)}`).get().n);
  send({ step: "assertions" });
  const assertionValues = assertions.map((a) => {
    try {
      const stmt = db.prepare(a.sql);
      if (!stmt.reader) return { error: "not a read-only query" };
      const row = stmt.raw(true).get();
      const value = row ? Number(row[0]) : null;
      return Number.isFinite(value) ? { value } : { error: `returned ${row ? JSON.stringify(row[0]) : "no row"}, not a number` };
    } catch (err) {
      return { error: err.message };
    }
  });
  let marker = null;
  if (names.includes("_borela_marker")) {
    marker = db.prepare("SELECT value, at FROM _borela_marker ORDER BY at DESC LIMIT 1").get() ?? null;
  }
  db.close();
  send({ done: { integrity, foreignKeyViolations, tables, assertionValues, marker } });
} catch (err) {
  send({ failed: err.message });
}
