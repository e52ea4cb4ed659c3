// Paths built from names someone else chose (a database name in a heartbeat,
// a replica directory in a URL) are resolved and checked to stay where they
// belong, even when the name passed every check at ingest (rows stored before
// those checks existed, or a future code path that skips them).
//
//   isInside(root, p): boolean        p is root or below it (both absolute; compared resolved)
//   fileInDir(dir, file): string      dir/file resolved; throws PathEscapeError unless it is a direct child of dir
import path from "node:path";

export class PathEscapeError extends Error {}

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(p));
  return rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

export function fileInDir(dir: string, file: string): string {
  const base = path.resolve(dir);
  const full = path.resolve(base, file);
  if (file.includes("\0") || path.dirname(full) !== base || full === base) {
    throw new PathEscapeError(`${JSON.stringify(file)} would leave ${base}: a file name may not hold "/" or "..", or be empty`);
  }
  return full;
}
