// When a freshness sweep last completed, kept in the Setting table (key SWEEP_MARK_KEY) so that
// any core process reading the same store sees the newest sweep it or a peer completed (issue 20).
// The value is storeTime text (ISO with +00:00): it sorts as it reads, so an upsert keeps the latest.
import type Sqlite from "better-sqlite3";
import { storeTime } from "./time.ts";

export const SWEEP_MARK_KEY = "sweep:last-completed";

export class SweepMark {
  private readonly upsert;
  private readonly select;

  constructor(db: Sqlite.Database) {
    // A peer's later mark is never moved back by a slower one.
    this.upsert = db.prepare(
      `INSERT INTO "Setting" (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE excluded.value > "Setting".value`,
    );
    this.select = db.prepare(`SELECT value FROM "Setting" WHERE key = ?`).pluck();
  }

  /** Stores `at` as the last completed sweep unless a later one is stored. Throws SQLITE_BUSY while another connection writes. */
  record(at: Date): void {
    this.upsert.run(SWEEP_MARK_KEY, storeTime(at));
  }

  /** The latest completed sweep any process stored, or null (none yet, or an unreadable value). */
  latest(): Date | null {
    const value = this.select.get(SWEEP_MARK_KEY) as string | undefined;
    if (!value) return null;
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? null : at;
  }
}
