// SQLITE_BUSY on a connection with no busy wait (fast-path.ts: a synchronous wait would block the event
// loop while a Prisma transaction on the same file waits for that loop): retried on timers instead.

/**
 * Runs `run` (synchronous better-sqlite3 work) until it does not throw SQLITE_BUSY, at most `retries` more
 * times, waiting 1..50 ms between attempts. Any other error, or the last SQLITE_BUSY, is thrown.
 */
export async function retryWhileBusy<T>(run: () => T, retries: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return run();
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_BUSY" || attempt >= retries) throw err;
      await new Promise((r) => setTimeout(r, Math.min(50, 1 + attempt)));
    }
  }
}
