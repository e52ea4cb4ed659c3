// The round-trip proof (opt-in, because it writes to the user's database): a
// marker row with a random value and the time goes into `_borela_marker` every
// heartbeat; a drill that finds a recent marker in the restored copy proves
// that live writes really reach storage, and gives an exact RPO.
import { randomBytes } from "node:crypto";

export const MARKER_TABLE = "_borela_marker";
const KEEP_ROWS = 100;

export async function writeMarker(file: string, now: Date): Promise<{ value: string; at: string }> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file, { fileMustExist: true, timeout: 2000 });
  try {
    const marker = { value: randomBytes(8).toString("hex"), at: now.toISOString() };
    db.transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS ${MARKER_TABLE} (id INTEGER PRIMARY KEY, value TEXT NOT NULL, at TEXT NOT NULL)`);
      db.prepare(`INSERT INTO ${MARKER_TABLE} (value, at) VALUES (?, ?)`).run(marker.value, marker.at);
      db.prepare(`DELETE FROM ${MARKER_TABLE} WHERE id <= (SELECT max(id) FROM ${MARKER_TABLE}) - ?`).run(KEEP_ROWS);
    })();
    return marker;
  } finally {
    db.close();
  }
}
