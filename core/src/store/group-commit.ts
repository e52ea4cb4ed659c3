// Group commit for a synchronous better-sqlite3 transaction: items arriving
// in the same tick share one transaction. While another connection holds the
// file's lock it retries on timers, never blocking the event loop.
import { isSqliteBusy } from "./sqlite-busy.ts";

const BUSY_RETRIES = 500;

interface Pending<I, R> {
  item: I;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * `transaction`: runs a batch inside one SQLite transaction and returns one
 * result per item, in order (e.g. `db.transaction(...)`). Returns a function
 * that resolves once its item is committed. One failing item (a constraint, a
 * thrown error) fails alone: the batch is then retried item by item.
 * A busy file (SQLITE_BUSY and its extended codes: sqlite-busy.ts) is retried up to BUSY_RETRIES times, waiting 1..50 ms.
 */
export function groupCommit<I, R>(transaction: (batch: I[]) => R[]): (item: I) => Promise<R> {
  let pending: Pending<I, R>[] = [];

  async function flush(attempt = 0): Promise<void> {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    let results: R[];
    try {
      results = transaction(batch.map((p) => p.item));
    } catch (err) {
      if (isSqliteBusy(err) && attempt < BUSY_RETRIES) {
        pending = batch.concat(pending);
        await new Promise((r) => setTimeout(r, Math.min(50, 1 + attempt)));
        return flush(attempt + 1);
      }
      if (batch.length > 1) {
        for (const p of batch) {
          try {
            p.resolve(transaction([p.item])[0]);
          } catch (e) {
            p.reject(e);
          }
        }
        return;
      }
      batch[0].reject(err);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (pending.length === 1) setImmediate(() => void flush());
    });
}
