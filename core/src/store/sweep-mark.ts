// When a freshness sweep last completed, kept in the Setting table (key SWEEP_MARK_KEY) so that
// any core process reading the same store sees the newest sweep it or a peer completed (issue 20).
// The value is storeTime text (ISO with +00:00): it sorts as it reads, so an upsert keeps the latest.
// The same row kind, under SIGHT_KEY, holds when the watcher last regained sight (sight-text.ts).
import type Sqlite from "better-sqlite3";
import { storeTime } from "./time.ts";

export const SWEEP_MARK_KEY = "sweep:last-completed";
export const SIGHT_KEY = "sweep:watching-since";

export class SweepMark {
  private readonly upsert;
  private readonly select;

  constructor(db: Sqlite.Database, private readonly key = SWEEP_MARK_KEY) {
    // A peer's later mark is never moved back by a slower one.
    this.upsert = db.prepare(
      `INSERT INTO "Setting" (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE excluded.value > "Setting".value`,
    );
    this.select = db.prepare(`SELECT value FROM "Setting" WHERE key = ?`).pluck();
  }

  /** Stores `at` as the last completed sweep unless a later one is stored. Throws SQLITE_BUSY while another connection writes. */
  record(at: Date): void {
    this.recordText(storeTime(at));
  }

  /** Stores `text` unless a greater one (byte order) is stored. Throws SQLITE_BUSY while another connection writes. */
  recordText(text: string): void {
    this.upsert.run(this.key, text);
  }

  /** The stored text, or null. */
  latestText(): string | null {
    return (this.select.get(this.key) as string | undefined) ?? null;
  }

  /** The latest completed sweep any process stored, or null (none yet, or an unreadable value). */
  latest(): Date | null {
    const value = this.latestText();
    if (!value) return null;
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? null : at;
  }
}
