// What `borela serve` and `borela demo --reset` do first: hold the data dir,
// or say which process holds it (server/data-dir-lock.ts).
import { DataDirInUseError, lockDataDir, type DataDirLock } from "../server/data-dir-lock.ts";
import { printLine } from "../terminal-text.ts";

/**
 * The data dir's lock for `holder` (its command line and port, null when none is known yet); null after writing
 * "<name>: <who holds it>" to stderr when another process holds the dir. Any other error is thrown.
 */
export function lockOrSay(name: string, dataDir: string, holder: { command: string; port: number | null }): DataDirLock | null {
  try {
    return lockDataDir(dataDir, holder);
  } catch (err) {
    if (!(err instanceof DataDirInUseError)) throw err;
    printLine(process.stderr, `${name}: ${err.message}`);
    return null;
  }
}
