// Where the core may read a `file://` replica: only under BORELA_FILE_REPLICA_ROOTS
// (default: the data dir). The URL comes from a heartbeat, so without this an
// agent token could make the drill worker read any directory of the core host.
//
//   fileRootProblem(dir, roots): string | null          pure: the lexical check
//   realReplicaPath(dir): Promise<string | null>       `dir` with symlinks resolved; for a path not made yet, its deepest
//     existing ancestor resolved and the rest appended; null when it holds a control character
//   replicaDirMade(dir): Promise<boolean>               whether the directory exists (a replica not made yet holds no backup)
//   fileReplicaChange(dir): Promise<string | null>      after a read: why the directory resolveFileReplica returned is no
//     longer what was checked (gone, or resolving elsewhere, or holding a link), or null
//   resolveFileReplica(dir, roots): Promise<string>    the lexical check, then the same on real paths
//     (symlinks resolved, up to the deepest existing ancestor), no symbolic link and no file with more than one hard link inside the replica;
//     returns the real directory to read,
//     throws FileReplicaRefusedError with the reason
import { lstat, readdir, readlink, realpath } from "node:fs/promises";
import path from "node:path";
import { isInside } from "./inside-dir.ts";
import { CONTROL } from "../control.ts";

export class FileReplicaRefusedError extends Error {}

/** Litestream 0.3's file layout is generations/<id>/{snapshots,wal}/<file>: nothing lies deeper. */
const MAX_DEPTH = 4;

function outside(dir: string, roots: string[]): string {
  return `file replica ${dir} is outside BORELA_FILE_REPLICA_ROOTS (${roots.join(", ")}): the core drills file replicas only under those directories; add the replica's directory to BORELA_FILE_REPLICA_ROOTS where the drill runs`;
}


/** Null when `dir` (absolute) is one of `roots` or below one; otherwise the reason, naming BORELA_FILE_REPLICA_ROOTS. */
export function fileRootProblem(dir: string, roots: string[]): string | null {
  if (CONTROL.test(dir)) return `file replica ${JSON.stringify(dir)} must not contain control characters (line breaks, tabs, NUL)`;
  if (!path.isAbsolute(dir)) return `file replica ${JSON.stringify(dir)} is not an absolute path`;
  return roots.some((root) => isInside(root, dir)) ? null : outside(dir, roots);
}

async function real(p: string): Promise<string | null> {
  try {
    return await realpath(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENAMETOOLONG: a path that cannot exist here (a segment over NAME_MAX), judged like one not made yet.
    if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP" || code === "ENAMETOOLONG") return null;
    throw err;
  }
}

/** Links followed while resolving a path not made yet before giving up (Linux's own limit). */
const MAX_LINK_HOPS = 40;
/**
 * File system calls one resolution may make: a reported path is data, and one deep path not made yet (a
 * call per missing segment) or one link loop (a walk per hop) must not cost seconds of every check that
 * resolves it. A real replica directory takes a handful.
 */
export const MAX_RESOLVE_CALLS = 64;
/** File system calls left for several resolutions together (one heartbeat's paths); each resolution also stops at MAX_RESOLVE_CALLS. */
export interface ResolveBudget {
  calls: number;
}

/** Longer paths cannot be opened (Linux's PATH_MAX). */
const MAX_PATH_BYTES = 4096;

/**
 * `dir` (absolute) with symbolic links resolved. When it does not exist yet, its deepest existing ancestor is
 * resolved and the missing segments appended (a dangling link among them followed), so a directory to be made
 * under a link leading elsewhere is judged where it would really be. Null for a path holding a control
 * character (the file system refuses a NUL), and for one that does not resolve within MAX_RESOLVE_CALLS calls
 * or MAX_PATH_BYTES (a link loop, a path of hundreds of missing segments), or within `budget` (shared by the
 * resolutions of one heartbeat).
 */
export async function realReplicaPath(dir: string, budget: ResolveBudget = { calls: MAX_RESOLVE_CALLS }): Promise<string | null> {
  if (CONTROL.test(dir)) return null;
  let calls = 0;
  const call = async <T>(f: () => Promise<T>): Promise<T | undefined> => (++calls > MAX_RESOLVE_CALLS || budget.calls-- <= 0 ? undefined : f());
  let p = path.resolve(dir);
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    if (Buffer.byteLength(p) > MAX_PATH_BYTES) return null;
    let existing = p;
    const missing: string[] = [];
    let found: string | null | undefined;
    while ((found = await call(() => real(existing))) === null) {
      const parent = path.dirname(existing);
      if (parent === existing) return p;
      missing.unshift(path.basename(existing));
      existing = parent;
    }
    if (found === undefined) return null;
    if (missing.length === 0) return found;
    const link = await call(() => readlink(path.join(found as string, missing[0]!)).catch(() => null));
    if (link === undefined) return null;
    if (link === null) return path.join(found, ...missing);
    p = path.resolve(found, link, ...missing.slice(1));
  }
  return null;
}

/**
 * The first entry of the replica tree that the core will not read, with why: a symbolic link (it could point
 * anywhere on the core host) or a file with more than one hard link (a link can bring a file from outside the
 * roots into them; Litestream writes replica files by creating and renaming, never by linking). Null when none.
 */
async function firstRefused(dir: string, depth: number): Promise<string | null> {
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
    if (e.isSymbolicLink()) return `holds a symbolic link (${full}); the core does not follow links inside a replica`;
    if (e.isDirectory()) {
      const found = await firstRefused(full, depth + 1);
      if (found) return found;
      continue;
    }
    const links = await hardLinks(full);
    if (links > 1) {
      return `holds ${full} with ${links} hard links: a hard link can bring a file from outside BORELA_FILE_REPLICA_ROOTS into a root, so the core reads only replica files with one link`;
    }
  }
  return null;
}

async function hardLinks(file: string): Promise<number> {
  try {
    return (await lstat(file)).nlink;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 1;
    throw err;
  }
}

/**
 * The real path of the `file://` replica directory `dir` when it may be read: inside a root both as written
 * and with symlinks resolved, holding no symbolic link (one could point anywhere on the core host) and
 * no file with more than one hard link (one could be a file from outside the roots). A directory that does not exist
 * passes as written (the drill then finds no backup) when its deepest existing ancestor resolves inside a root. Throws
 * FileReplicaRefusedError otherwise; file system errors other than ENOENT propagate.
 */
export async function resolveFileReplica(dir: string, roots: string[]): Promise<string> {
  const lexical = fileRootProblem(dir, roots);
  if (lexical) throw new FileReplicaRefusedError(lexical);
  const made = (await real(dir)) !== null;
  const realDir = await realReplicaPath(dir);
  if (realDir === null) {
    throw new FileReplicaRefusedError(`file replica ${dir} does not resolve within ${MAX_RESOLVE_CALLS} file system calls (a symbolic link loop, or too deep a path not made yet): the core does not read it`);
  }
  const realRoots = (await Promise.all(roots.map(real))).filter((r): r is string => r !== null);
  if (!realRoots.some((root) => isInside(root, realDir))) throw new FileReplicaRefusedError(`${outside(dir, roots)} (it resolves to ${realDir})`);
  if (!made) return path.resolve(dir);
  const refused = await firstRefused(realDir, 1);
  if (refused) throw new FileReplicaRefusedError(`file replica ${dir} ${refused}`);
  return realDir;
}

export async function replicaDirMade(dir: string): Promise<boolean> {
  return (await real(dir).catch(() => null)) !== null;
}

/**
 * After a drill or restore read the replica directory `dir` (as resolveFileReplica returned it): null when it
 * still resolves to itself and holds no symbolic link or many-linked file, else why the read cannot be trusted.
 * A directory swapped for a link between the check and the read (someone with write access under the roots)
 * would have given another directory's files; this catches a swap that is still in place, not one undone in time.
 */
export async function fileReplicaChange(dir: string): Promise<string | null> {
  const now = await real(dir).catch(() => null);
  if (now !== dir) return `file replica ${dir} changed while it was read (it now ${now === null ? "does not resolve" : `resolves to ${now}`}): the result is discarded`;
  const refused = await firstRefused(dir, 1).catch((err: Error) => `cannot be listed: ${err.message}`);
  return refused ? `file replica ${dir} changed while it was read: it ${refused}; the result is discarded` : null;
}
