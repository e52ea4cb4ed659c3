// A copy of a live database edited outside SQLite: the fault of a file
// replaced by `cp` over a running WAL database.
import Database from "better-sqlite3";

/**
 * Writes `<dbPath>.edited`: an online backup of the database, turned to
 * journal_mode DELETE, with one more `events` row ('edited', 'by hand').
 * Returns its path; the caller copies it over the live file.
 */
export async function editedCopy(dbPath: string): Promise<string> {
  const edited = `${dbPath}.edited`;
  const db = new Database(dbPath, { readonly: true });
  await db.backup(edited);
  db.close();
  const e = new Database(edited);
  e.pragma("journal_mode = DELETE");
  e.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('edited', 'by hand', ?)").run(new Date().toISOString());
  e.close();
  return edited;
}
