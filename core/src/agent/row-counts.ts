// Live row counts per table, for drills to compare a restore against. Read-only
// connection, skipped above a size limit (counting a large database costs I/O the
// app may need). better-sqlite3 is loaded only when counting is on.
//
//   countTableRows(path: string, maxBytes: number, sizeBytes: number): Promise<CountResult>
import { CONTROL } from "../control.ts";

export type CountResult = { counts: Record<string, number>; skipped: null } | { counts: null; skipped: string };

export async function countTableRows(file: string, maxBytes: number, sizeBytes: number): Promise<CountResult> {
  if (sizeBytes > maxBytes) {
    return { counts: null, skipped: `row counts skipped: ${file} is ${sizeBytes} bytes, above the ${maxBytes}-byte limit` };
  }
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 2000 });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_litestream\\_%' ESCAPE '\\' ORDER BY name")
      .all() as Array<{ name: string }>;
    const counts: Record<string, number> = {};
    // Left out, as the core would refuse the whole heartbeat for them (reported-values.ts): names past the
    // schema's 200 characters, and names with a control character (a tester's ESC-named table turned its project silent).
    for (const { name } of tables.filter((t) => t.name.length <= 200 && !CONTROL.test(t.name)).slice(0, 500)) {
      counts[name] = (db.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n;
    }
    return { counts, skipped: null };
  } finally {
    db.close();
  }
}
