// Opens the core's own SQLite database: WAL mode, migrations applied, stored
// replica URLs cleared of inline credentials once, then a Prisma client over
// the better-sqlite3 driver adapter.
import path from "node:path";
import Sqlite from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { migrate } from "./migrate.ts";
import { redactStoredUrls } from "./redact-stored-urls.ts";
import { ensurePrivateDir, ensurePrivateFile, restrictIfExists } from "./private-files.ts";

export type Store = PrismaClient;

/**
 * Bytes a WAL file is cut back to when a connection starts it over (PRAGMA journal_size_limit). SQLite reuses
 * the file and never shrinks it otherwise: a long read transaction under load left a 1.2 GB borela.db-wal for
 * good (a tester). Steady load keeps the WAL at tens of MB (checkpointer.ts).
 */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, "borela.db");
}

export async function openStore(dataDir: string): Promise<Store> {
  ensurePrivateDir(dataDir);
  const file = databaseFile(dataDir);
  // 0600 before SQLite opens it: SQLite gives its -wal and -shm the database file's mode.
  ensurePrivateFile(file);
  for (const suffix of ["-wal", "-shm", "-journal"]) restrictIfExists(file + suffix);
  const raw = new Sqlite(file);
  raw.pragma("journal_mode = WAL");
  migrate(raw);
  redactStoredUrls(raw);
  const adapter = new PrismaBetterSQLite3({ url: `file:${file}` });
  const prisma = new PrismaClient({ adapter });
  // busy_timeout lets the core, a worker and the CLI share the file; synchronous=NORMAL is safe in WAL mode.
  await prisma.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  await prisma.$queryRawUnsafe(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  // Closed only once Prisma holds the file: closing the last connection would checkpoint and delete the
  // WAL, and a Litestream replicating this database would then start a new generation.
  raw.close();
  return prisma;
}
