// When a freshness sweep last completed, on PostgreSQL: the Setting row of store/sweep-mark.ts (same
// key, same storeTime text), so every core on the store reads the newest sweep any of them completed.
import type pg from "pg";
import type { AsyncSweepMark } from "../sweep-store.ts";
import { SWEEP_MARK_KEY } from "../sweep-mark.ts";
import { storeTime } from "../time.ts";
import { PG_SWEEP_MARK_SQL as SQL } from "./sweep-sql.ts";

export class PostgresSweepMark implements AsyncSweepMark {
  constructor(
    private readonly pool: pg.Pool,
    private readonly key = SWEEP_MARK_KEY,
  ) {}

  /** Stores `at` unless a later mark is stored. Rejects with the query's error. */
  async record(at: Date): Promise<void> {
    await this.recordText(storeTime(at));
  }

  /** Stores `text` unless a greater one (byte order) is stored. Rejects with the query's error. */
  async recordText(text: string): Promise<void> {
    await this.pool.query(SQL.record, [this.key, text]);
  }

  /** The stored text, or null. */
  async latestText(): Promise<string | null> {
    const { rows } = await this.pool.query<{ value: string }>(SQL.latest, [this.key]);
    return rows[0]?.value ?? null;
  }

  /** The latest stored mark, or null (none yet, or an unreadable value). */
  async latest(): Promise<Date | null> {
    const value = await this.latestText();
    if (!value) return null;
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? null : at;
  }
}
