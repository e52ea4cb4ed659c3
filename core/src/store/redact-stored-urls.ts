// A one-time cleanup at start: Replica rows stored before heartbeats were
// validated at ingest may hold URLs with inline credentials
// (`s3://KEY:SECRET@bucket/x`), which then showed in GET /api/v1/projects/:id,
// restore commands, freshness reasons and incidents. This removes the userinfo
// from every stored replica URL and from the texts that may have quoted one,
// then records that it ran (Setting `cleanup.inline-credentials`), so a large
// heartbeat history is scanned once, not at every start.
//
//   redactStoredUrls(db: better-sqlite3 Database, now?: Date): { replicas: number; texts: number }
import type { Database } from "better-sqlite3";
import { withoutUserinfo } from "../redact.ts";

const DONE_KEY = "cleanup.inline-credentials";

/** Columns that may quote a replica URL, each a [table, id column, text column]. */
const TEXTS: Array<[string, string, string]> = [
  ["Replica", "id", "lastError"],
  ["Project", "id", "statusReasons"],
  ["Database", "id", "statusReasons"],
  ["Database", "id", "errors"],
  ["Incident", "id", "reason"],
  ["Drill", "id", "error"],
  ["Drill", "id", "report"],
  ["Drill", "id", "progress"],
  ["Heartbeat", "id", "payload"],
];

export function redactStoredUrls(db: Database, now = new Date()): { replicas: number; texts: number } {
  const isDone = () => db.prepare(`SELECT value FROM "Setting" WHERE key = ?`).get(DONE_KEY) !== undefined;
  if (isDone()) return { replicas: 0, texts: 0 };
  let replicas = 0;
  let texts = 0;
  // IMMEDIATE, and asked again inside: several cores starting together on one store wait for the first
  // one's cleanup and then find it done (a deferred transaction failed on its Setting row, or on its stale read).
  db.transaction(() => {
    if (isDone()) return;
    const rows = db.prepare(`SELECT id, databaseId, url FROM "Replica" WHERE url LIKE '%://%@%'`).all() as { id: string; databaseId: string; url: string }[];
    for (const row of rows) {
      const url = withoutUserinfo(row.url);
      if (url === row.url) continue;
      // (databaseId, url) is unique: a row already holding the clean URL is the same replica.
      const twin = db.prepare(`SELECT id FROM "Replica" WHERE databaseId = ? AND url = ?`).get(row.databaseId, url);
      if (twin) db.prepare(`DELETE FROM "Replica" WHERE id = ?`).run(row.id);
      else db.prepare(`UPDATE "Replica" SET url = ? WHERE id = ?`).run(url, row.id);
      replicas++;
    }
    for (const [table, id, column] of TEXTS) {
      const found = db.prepare(`SELECT "${id}" AS id, "${column}" AS text FROM "${table}" WHERE "${column}" LIKE '%://%@%'`).all() as { id: string; text: string }[];
      const update = db.prepare(`UPDATE "${table}" SET "${column}" = ? WHERE "${id}" = ?`);
      for (const row of found) {
        const text = withoutUserinfo(row.text);
        if (text === row.text) continue;
        update.run(text, row.id);
        texts++;
      }
    }
    db.prepare(`INSERT INTO "Setting" (key, value) VALUES (?, ?)`).run(DONE_KEY, now.toISOString());
  }).immediate();
  return { replicas, texts };
}
