// Group commit over an asynchronous transaction (PostgreSQL): one batch is written at a time, and
// the items arriving meanwhile wait and form the next one, so under load N concurrent items commit
// in far fewer than N transactions, and at rest an item waits one tick.

interface Pending<I, R> {
  item: I;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * `run(batch)`: writes a batch (≤ maxBatch items) in one transaction and resolves, after its commit,
 * with one outcome per item in order: a result, or an Error that refuses that item alone (written
 * nothing). When `run` rejects (the transaction failed), each item is run again alone, so one bad
 * item fails alone. Returns a function that resolves once its item is committed, or rejects.
 */
export function batchCommit<I, R>(run: (batch: I[]) => Promise<(R | Error)[]>, maxBatch = 500): (item: I) => Promise<R> {
  let pending: Pending<I, R>[] = [];
  let busy = false;

  async function settle(batch: Pending<I, R>[]): Promise<void> {
    let results: (R | Error)[];
    try {
      results = await run(batch.map((p) => p.item));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      for (const p of batch) await settle([p]);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i];
      if (r instanceof Error) p.reject(r);
      else p.resolve(r);
    });
  }

  async function drain(): Promise<void> {
    busy = true;
    try {
      while (pending.length > 0) await settle(pending.splice(0, maxBatch));
    } finally {
      busy = false;
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (!busy && pending.length === 1) setImmediate(() => void (busy || drain()));
    });
}
