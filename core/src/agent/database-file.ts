// The database file as the agent sees it from outside: does it exist, is it
// still the same file Litestream opened (inode/device), did it change since the
// last look. A moved or replaced file is an error that names the path.
//
//   statDatabase(path: string): Promise<FileState>
//   identityProblem(path, baseline: FileState | null, current: FileState): string | null   pure
import { stat } from "node:fs/promises";

export interface FileState {
  exists: boolean;
  sizeBytes: number;
  walBytes: number;
  dev: number;
  ino: number;
  /** Changes whenever the database or its WAL is written. */
  fingerprint: string;
  /** Changes whenever the main database file (not its WAL) is written: checkpoints, or writes from outside SQLite. */
  mainStamp: string;
  /** Why the file could not be read, when it exists but stat failed (e.g. EACCES). */
  error: string | null;
}

export async function statDatabase(file: string): Promise<FileState> {
  let db;
  try {
    db = await stat(file, { bigint: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { exists: false, sizeBytes: 0, walBytes: 0, dev: 0, ino: 0, fingerprint: "missing", mainStamp: "missing", error: code === "ENOENT" ? null : `cannot stat ${file}: ${code}` };
  }
  const wal = await stat(`${file}-wal`).catch(() => null);
  return {
    exists: true,
    sizeBytes: db.size,
    walBytes: wal?.size ?? 0,
    dev: db.dev,
    ino: db.ino,
    fingerprint: `${db.ino}:${db.size}:${db.mtimeMs}:${wal?.ino ?? 0}:${wal?.size ?? 0}:${wal?.mtimeMs ?? 0}`,
    mainStamp: `${db.ino}:${db.size}:${db.mtimeMs}`,
    error: null,
  };
}

export function identityProblem(file: string, baseline: FileState | null, current: FileState): string | null {
  if (!current.exists) {
    return baseline?.exists
      ? `database file ${file} was moved or deleted: nothing at ${file} any more, Litestream still holds the old file`
      : `database file ${file} does not exist (is the volume mounted at the same path as in the app?)`;
  }
  if (baseline?.exists && (baseline.ino !== current.ino || baseline.dev !== current.dev)) {
    return `database file ${file} was replaced (inode ${baseline.ino} → ${current.ino}): Litestream was replicating the old file`;
  }
  return null;
}
