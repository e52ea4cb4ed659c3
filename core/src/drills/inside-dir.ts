// Paths that come from someone else (a replica directory in a reported URL)
// are resolved and checked to stay where they belong. (A database name never
// names a file on the core: a drill restores into a fixed file name inside its
// own directory, isolation/job.ts.)
//
//   isInside(root, p): boolean   p is root or below it, compared by whole segments after resolving both
import path from "node:path";

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(p));
  return rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
