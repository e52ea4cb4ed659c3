// The core's data dir holds webhook URLs, encrypted secrets and the key that
// decrypts them: only the core's user may read it. Modes are set with chmod
// after creating, so the umask (022, 077 or 0777 alike) changes nothing.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";

/** Creates `dir` (and parents) if missing and makes it 0700. Throws naming the dir when it cannot. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Creates `file` empty if missing (never truncates) and makes it 0600. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
}

/** Makes `file` 0600 when it exists (SQLite's -wal and -shm beside a database). */
export function restrictIfExists(file: string): void {
  if (existsSync(file)) chmodSync(file, 0o600);
}
