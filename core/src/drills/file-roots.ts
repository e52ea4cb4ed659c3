// Where the core may read a `file://` replica: only under BORELA_FILE_REPLICA_ROOTS
// (default: the data dir). The URL comes from a heartbeat, so without this an
// agent token could make the drill worker read any directory of the core host.
//
//   fileRootProblem(dir, roots): string | null          pure: the lexical check
//   resolveFileReplica(dir, roots): Promise<string>    the lexical check, then the same on real paths
//     (symlinks resolved) and no symbolic link inside the replica; returns the real directory to read,
//     throws FileReplicaRefusedError with the reason
import { readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { isInside } from "./inside-dir.ts";

export class FileReplicaRefusedError extends Error {}

/** Litestream 0.3's file layout is generations/<id>/{snapshots,wal}/<file>: nothing lies deeper. */
const MAX_DEPTH = 4;

function outside(dir: string, roots: string[]): string {
  return `file replica ${dir} is outside BORELA_FILE_REPLICA_ROOTS (${roots.join(", ")}): the core drills file replicas only under those directories; add the replica's directory to BORELA_FILE_REPLICA_ROOTS where the drill runs`;
}

/** Null when `dir` (absolute) is one of `roots` or below one; otherwise the reason, naming BORELA_FILE_REPLICA_ROOTS. */
export function fileRootProblem(dir: string, roots: string[]): string | null {
  if (!path.isAbsolute(dir)) return `file replica ${JSON.stringify(dir)} is not an absolute path`;
  return roots.some((root) => isInside(root, dir)) ? null : outside(dir, roots);
}

async function real(p: string): Promise<string | null> {
  try {
    return await realpath(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

async function firstSymlink(dir: string, depth: number): Promise<string | null> {
  if (depth > MAX_DEPTH) return null;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") return null;
    throw err;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isSymbolicLink()) return full;
    if (e.isDirectory()) {
      const found = await firstSymlink(full, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/**
 * The real path of the `file://` replica directory `dir` when it may be read: inside a root both as written
 * and with symlinks resolved, holding no symbolic link (one could point anywhere on the core host). A
 * directory that does not exist passes as written (the drill then finds no backup). Throws
 * FileReplicaRefusedError otherwise; file system errors other than ENOENT propagate.
 */
export async function resolveFileReplica(dir: string, roots: string[]): Promise<string> {
  const lexical = fileRootProblem(dir, roots);
  if (lexical) throw new FileReplicaRefusedError(lexical);
  const realDir = await real(dir);
  if (realDir === null) return path.resolve(dir);
  const realRoots = (await Promise.all(roots.map(real))).filter((r): r is string => r !== null);
  if (!realRoots.some((root) => isInside(root, realDir))) throw new FileReplicaRefusedError(`${outside(dir, roots)} (it resolves to ${realDir})`);
  const link = await firstSymlink(realDir, 1);
  if (link) throw new FileReplicaRefusedError(`file replica ${dir} holds a symbolic link (${link}); the core does not follow links inside a replica`);
  return realDir;
}
