// The lease store on its own better-sqlite3 connection to the core's SQLite file. Synchronous when the
// file is free: a lone core's first sweep runs within its start, as before leases (no await on I/O).
// Never waits inside SQLite: Prisma's connection waits for a held write lock with busy_timeout, which
// blocks the event loop (better-sqlite3 is synchronous). Here SQLITE_BUSY is retried on timers, like the
// sweep's batches, and thrown after BUSY_RETRIES (~4 s): the job's loop logs it and tries at its next tick.
//
//   const leases = openSqliteLeases(databaseFile(dataDir));   // { store: LeaseStore, close() }
import Sqlite from "better-sqlite3";
import { LeaseStore, type RawSql } from "./lease.ts";
import { retryWhileBusy } from "./sqlite-busy.ts";
import { WAL_SIZE_LIMIT_BYTES } from "./db.ts";

const BUSY_RETRIES = 100;

function unlessBusy<T>(run: () => T): Promise<T> {
  return retryWhileBusy(run, BUSY_RETRIES);
}

/** RawSql over a better-sqlite3 connection: positional `?` parameters; SQLITE_BUSY retried on timers. */
export function sqliteRawSql(db: Sqlite.Database): RawSql {
  return {
    $queryRawUnsafe: <T>(query: string, ...values: unknown[]) =>
      unlessBusy(() => {
        const stmt = db.prepare(query);
        return (stmt.reader ? stmt.all(...values) : (stmt.run(...values), [])) as T;
      }),
    $executeRawUnsafe: (query: string, ...values: unknown[]) => unlessBusy(() => db.prepare(query).run(...values).changes),
  };
}

/** `file`: the core's SQLite database (db.ts databaseFile), already migrated by openStore. */
export function openSqliteLeases(file: string): { store: LeaseStore; autocheckpoint(pages: number): void; close(): void } {
  const db = new Sqlite(file);
  db.pragma("busy_timeout = 0");
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  return { store: new LeaseStore(sqliteRawSql(db), "sqlite"), autocheckpoint: (pages) => db.pragma(`wal_autocheckpoint = ${pages}`), close: () => db.close() };
}
