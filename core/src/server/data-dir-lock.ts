// One process at a time per data dir: `borela serve` (any mode) and `borela demo --reset` hold an
// exclusive SQLite lock on `<data dir>/serve.lock` for as long as they run. The kernel drops it when
// the process dies (kill -9, crash), so a stale lock never blocks and nothing has to guess whether a
// pid is still ours. Who holds it is written beside it in `serve.json` for the refusal message.
// The lock file itself is never deleted: unlinking a lock file others may be opening lets two hold it.
import Database from "better-sqlite3";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** What `serve.json` holds: the holder's pid, its command, the port it serves (null: none or not yet), when it started (ISO). */
export interface DataDirHolder {
  pid: number;
  command: string;
  port: number | null;
  startedAt: string;
}

/** Parses `serve.json` (written by lockDataDir); null for a missing, torn or foreign file. */
export function parseHolder(text: string): DataDirHolder | null {
  try {
    const v = JSON.parse(text) as Partial<DataDirHolder>;
    if (!Number.isInteger(v.pid) || (v.pid as number) <= 0 || typeof v.command !== "string" || typeof v.startedAt !== "string") return null;
    const port = Number.isInteger(v.port) ? (v.port as number) : null;
    return { pid: v.pid as number, command: v.command, port, startedAt: v.startedAt };
  } catch {
    return null;
  }
}

/** The one-line refusal: "the data dir D is in use by borela serve (pid N, port P): stop it first or choose another --data-dir". */
export function dataDirInUseMessage(dataDir: string, holder: DataDirHolder | null): string {
  const who = holder
    ? `${holder.command} (pid ${holder.pid}${holder.port !== null ? `, port ${holder.port}` : ""})`
    : "another borela process";
  return `the data dir ${dataDir} is in use by ${who}: stop it first or choose another --data-dir`;
}

/** Thrown by lockDataDir while another process holds the data dir; its message is dataDirInUseMessage's line. */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly holder: DataDirHolder | null) {
    super(dataDirInUseMessage(dataDir, holder));
  }
}

export interface DataDirLock {
  /** Records the port actually served (port 0 asks the system for one). */
  setPort(port: number): void;
  /** Drops the lock and removes `serve.json` if it is still this process's. Idempotent. */
  release(): void;
}

const lockFile = (dataDir: string) => path.join(dataDir, "serve.lock");
const holderFile = (dataDir: string) => path.join(dataDir, "serve.json");

/** The holder recorded in `<data dir>/serve.json`, or null. */
export function readHolder(dataDir: string): DataDirHolder | null {
  try {
    return parseHolder(readFileSync(holderFile(dataDir), "utf8"));
  } catch {
    return null;
  }
}

/**
 * Takes the data dir's lock for this process (creating the dir, 0700, when missing).
 * Throws DataDirInUseError, having changed nothing, while another process (or another lock in this one) holds it.
 */
export function lockDataDir(dataDir: string, holder: { command: string; port: number | null }): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(lockFile(dataDir), { timeout: 0 });
  try {
    // EXCLUSIVE locking mode keeps the lock of the first write transaction until the connection closes.
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE; COMMIT");
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === "SQLITE_BUSY") throw new DataDirInUseError(dataDir, readHolder(dataDir));
    throw err;
  }
  const record: DataDirHolder = { pid: process.pid, command: holder.command, port: holder.port, startedAt: new Date().toISOString() };
  const write = () => {
    const tmp = `${holderFile(dataDir)}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
    renameSync(tmp, holderFile(dataDir));
  };
  write();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    if (readHolder(dataDir)?.pid === process.pid) rmSync(holderFile(dataDir), { force: true });
    db.close();
  };
  process.once("exit", release);
  return {
    setPort(port) {
      record.port = port;
      if (!released) write();
    },
    release,
  };
}
