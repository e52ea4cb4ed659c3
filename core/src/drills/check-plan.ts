// How a restored copy's integrity check is split over read-only connections
// in parallel, keeping the guarantees of one full `PRAGMA integrity_check`
// (sqlite.org/pragma.html#pragma_integrity_check):
//
//  - `PRAGMA quick_check` (whole file): every b-tree's structure (page and cell
//    layout, rowid order, overflow chains), record formats,
//    NOT NULL and CHECK constraints, the freelist, and page accounting — no
//    page used twice, none never used. It skips only UNIQUE constraints and
//    whether each index's content matches its table.
//  - `PRAGMA integrity_check('T')` per table (a "partial" check): T and its
//    indexes in full, including index content against the table and UNIQUE;
//    what it cannot see (pages used by two tables or by none, the freelist)
//    is exactly what quick_check covers.
// Together they check what the full pragma checks, at about 1.3 times its
// work, spread over the threads.

/** A check of a restored copy as SQL statements, any order, each on its own connection. */
export type CheckPlan = string[];

/**
 * Threads worth giving the check (≥ 1): the machine's `cpus` less the other runnable threads, from
 * `procLoadavg` (the text of /proc/loadavg, whose fourth field is "running/total" and counts the reader).
 * A busy machine gets the plain pragma: splitting adds ~30 % work, and spare CPU is what pays for it.
 * No readable field (not Linux): all `cpus`.
 */
export function spareThreads(cpus: number, procLoadavg: string | null): number {
  const running = Number(/^\S+ \S+ \S+ (\d+)\//.exec(procLoadavg ?? "")?.[1]);
  if (!Number.isFinite(running)) return Math.max(1, cpus);
  return Math.max(1, Math.min(cpus, cpus - (running - 1)));
}

/** SQLite's string literal; a pragma argument names a table this way whatever its characters. */
function literal(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/**
 * The statements for `check` over the copy's ordinary tables (`tables`: names from sqlite_schema with a
 * root page, in any order) on `threads` threads (≥ 1). One thread, or fewer than two tables: the plain
 * pragma (splitting adds work without anything to run beside it). quick_check is never split: it is
 * the whole-file pass.
 */
export function planCheck(check: "integrity_check" | "quick_check", tables: string[], threads: number): CheckPlan {
  if (check === "quick_check") return ["PRAGMA quick_check"];
  if (threads < 2 || tables.length < 2) return ["PRAGMA integrity_check"];
  return ["PRAGMA quick_check", ...tables.map((t) => `PRAGMA integrity_check(${literal(t)})`)];
}

/**
 * One verdict from every statement's lines (each statement answers "ok" alone, or one line per problem):
 * "ok" when all are, else the problems in plan order, at most `max` lines.
 */
export function mergeCheckLines(answers: string[][], max = 50): string {
  const problems = answers.flatMap((lines) => (lines.length === 1 && lines[0] === "ok" ? [] : lines.length === 0 ? ["no answer"] : lines));
  return problems.length === 0 ? "ok" : problems.slice(0, max).join("\n");
}
