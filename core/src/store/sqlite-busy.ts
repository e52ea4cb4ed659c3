// SQLITE_BUSY on a connection with no busy wait (fast-path.ts: a synchronous wait would block the event
// loop while a Prisma transaction on the same file waits for that loop): retried on timers instead.
// Busy means the whole family (sqlite.org/rescode.html): SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT (a read
// transaction that wants to write after another connection committed: Litestream's own writes to the
// file do that), SQLITE_BUSY_RECOVERY, SQLITE_BUSY_TIMEOUT. Each is over once the transaction runs again.

/** Whether `err` is one of SQLite's busy codes (better-sqlite3's `code`: "SQLITE_BUSY" or "SQLITE_BUSY_<reason>"). */
export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_"));
}

/**
 * Runs `run` (synchronous better-sqlite3 work) until it does not throw a busy code (isSqliteBusy), at most
 * `retries` more times, waiting 1..50 ms between attempts. Any other error, or the last busy one, is thrown.
 */
export async function retryWhileBusy<T>(run: () => T, retries: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return run();
    } catch (err) {
      if (!isSqliteBusy(err) || attempt >= retries) throw err;
      await new Promise((r) => setTimeout(r, Math.min(50, 1 + attempt)));
    }
  }
}
