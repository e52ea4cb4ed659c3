// One transaction on one pooled connection, for the sweep's PostgreSQL parts: BEGIN, `fn`, COMMIT;
// ROLLBACK on any error. A deadlock or serialization failure (another core writing the same rows)
// runs `fn` again on a fresh transaction, at most RETRIES times; `fn` must therefore only write
// through its client and decide from what it reads there.
import type pg from "pg";
import { retryable } from "./pool.ts";

const RETRIES = 5;

/** Resolves with `fn`'s value after COMMIT; rejects with the first non-retryable error (or the last one). */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const out = await fn(client);
      await client.query("COMMIT");
      return out;
    } catch (err) {
      // A connection whose ROLLBACK failed is dropped from the pool, not handed to the next caller.
      await client.query("ROLLBACK").catch((e: Error) => (broken = e));
      if (!retryable(err) || attempt >= RETRIES) throw err;
    } finally {
      client.release(broken);
    }
  }
}
