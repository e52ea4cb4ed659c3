// The store's agent token generation as a PostgreSQL core reads it: the Setting row "agent-token-generation",
// moved by triggers on every revocation, expiry change or deletion of a token and every heartbeat grace change
// (migration 20270117120000_token_generation). Read at most once every `everyMs`, on demand (an idle core reads
// nothing); callers at the same time share one read.
import type pg from "pg";

const GENERATION_SQL = `SELECT "value" FROM "Setting" WHERE "key" = 'agent-token-generation'`;

export class TokenGeneration {
  private value: string | null | undefined;
  private readAt = -Infinity;
  private reading: Promise<boolean> | null = null;

  constructor(private readonly pool: pg.Pool, private readonly everyMs: number) {}

  /**
   * Resolves true when the generation moved since the last read (the first read: false), reading it when the
   * last read began `everyMs` or more before `now` (ms), or is under way; false without a read otherwise.
   * Rejects with the query's error (the next call reads again).
   */
  moved(now: number): Promise<boolean> {
    if (this.reading) return this.reading;
    if (now - this.readAt < this.everyMs && now >= this.readAt) return Promise.resolve(false);
    this.readAt = now;
    this.reading = this.pool
      .query<{ value: string }>(GENERATION_SQL)
      .then(({ rows }) => {
        const value = rows[0]?.value ?? null;
        const moved = this.value !== undefined && value !== this.value;
        this.value = value;
        return moved;
      })
      .catch((err: unknown) => {
        this.readAt = -Infinity;
        throw err;
      })
      .finally(() => (this.reading = null));
    return this.reading;
  }
}
