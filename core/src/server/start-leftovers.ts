// A start that fails before serving (port in use, bad key) must leave the data dir as it found it:
// a dir it created is removed whole; in a dir that existed, only the entries it added are removed.
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";

/** The names in `dir` before a start, or null when `dir` does not exist yet. */
export type DirBefore = string[] | null;

export function entriesBefore(dir: string): DirBefore {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** Pure: what to remove after a failed start, given the names before and now (absolute paths). */
export function leftovers(dir: string, before: DirBefore, now: string[]): string[] {
  if (before === null) return [dir];
  const had = new Set(before);
  return now.filter((name) => !had.has(name)).map((name) => path.join(dir, name));
}

/** Removes what a failed start added to `dir` (see leftovers); a pre-existing dir and its old entries stay. */
export function removeLeftovers(dir: string, before: DirBefore): void {
  const now = entriesBefore(dir) ?? [];
  for (const p of leftovers(dir, before, now)) rmSync(p, { recursive: true, force: true, maxRetries: 3 });
}
