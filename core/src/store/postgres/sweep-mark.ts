// When a freshness sweep last completed, on PostgreSQL: the Setting row of store/sweep-mark.ts (same
// key, same storeTime text), so every core on the store reads the newest sweep any of them completed.
import type pg from "pg";
import type { AsyncSweepMark } from "../sweep-store.ts";
import { SWEEP_MARK_KEY } from "../sweep-mark.ts";
import { storeTime } from "../time.ts";
import { PG_SWEEP_MARK_SQL as SQL } from "./sweep-sql.ts";

export class PostgresSweepMark implements AsyncSweepMark {
  constructor(private readonly pool: pg.Pool) {}

  /** Stores `at` unless a later mark is stored. Rejects with the query's error. */
  async record(at: Date): Promise<void> {
    await this.pool.query(SQL.record, [SWEEP_MARK_KEY, storeTime(at)]);
  }

  /** The latest stored mark, or null (none yet, or an unreadable value). */
  async latest(): Promise<Date | null> {
    const { rows } = await this.pool.query<{ value: string }>(SQL.latest, [SWEEP_MARK_KEY]);
    if (!rows[0]) return null;
    const at = new Date(rows[0].value);
    return Number.isNaN(at.getTime()) ? null : at;
  }
}
