// One transaction on one pooled connection, for the sweep's PostgreSQL parts: BEGIN, `fn`, COMMIT;
// ROLLBACK on any error. A deadlock or serialization failure (another core writing the same rows)
// runs `fn` again on a fresh transaction, at most RETRIES times; `fn` must therefore only write
// through its client and decide from what it reads there. The pool pipelines (pool.ts): BEGIN goes
// out with `fn`'s first statements, and COMMIT with the statements `fn` hands back in `last`.
import type pg from "pg";
import { corked, retryable } from "./pool.ts";

const RETRIES = 5;

/** What a pipelined transaction's `fn` hands back: its value, and `last`, which sends the statements to go out with COMMIT. */
export interface Queued<T> {
  value: T;
  last(): Promise<unknown>[];
}

/** Resolves with `fn`'s value after COMMIT; rejects with the first non-retryable error (or the last one). */
export function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inPipelinedTransaction(pool, async (client) => ({ value: await fn(client), last: () => [] }));
}

/** inTransaction whose `fn` hands its last statements back unsent: they go out with COMMIT, one write and one round trip. */
export async function inPipelinedTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<Queued<T>>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      // fn's first statement is queued synchronously, right behind BEGIN.
      const [, { value, last }] = await Promise.all(corked(client, () => [client.query("BEGIN"), fn(client)] as const));
      await Promise.all(corked(client, () => [...last(), client.query("COMMIT")]));
      return value;
    } catch (err) {
      // Queued behind any statement still in flight. A connection whose ROLLBACK failed is dropped from
      // the pool, not handed to the next caller.
      await client.query("ROLLBACK").catch((e: Error) => (broken = e));
      if (!retryable(err) || attempt >= RETRIES) throw err;
    } finally {
      client.release(broken);
    }
  }
}
