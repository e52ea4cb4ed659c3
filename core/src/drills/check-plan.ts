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
// work, spread over the threads (1 GiB bench copy, CPU seconds: integrity_check
// 4.28; quick_check 1.21 + per table 2.56, 2.05, 0.07 = 5.89).
// The statements run as jobs beside the data job (foreign keys, row counts),
// handed out one at a time by nextCheck: the whole-file pass first, then the
// table checks largest first, so no thread is left with a big check at the end.

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

const TABLE_CHECK = /^PRAGMA integrity_check\('((?:[^']|'')*)'\)$/;

/**
 * Which of the `pending` statements to run next (an index into it; -1 when none is left): a statement
 * that is not a per-table check first (the whole-file pass), then the table check that reads the most:
 * `pages` of the table plus those of its `indexes` (table name → index names); `pages` is each b-tree's
 * page count (dbstat, aggregated), or null until the data job has measured it. Ties, and any order
 * before `pages` is known, in plan order. (Row counts mislead: the bench's events and orders tables
 * hold as many rows, but events' are wider and its check costs 25 % more.)
 */
export function nextCheck(pending: string[], pages: Record<string, number> | null, indexes: Record<string, string[]>): number {
  if (pending.length === 0) return -1;
  const whole = pending.findIndex((s) => !TABLE_CHECK.test(s));
  if (whole !== -1 || pages === null) return Math.max(0, whole);
  const reads = (s: string) => {
    const table = TABLE_CHECK.exec(s)![1].replace(/''/g, "'");
    return [table, ...(indexes[table] ?? [])].reduce((sum, name) => sum + (pages[name] ?? 0), 0);
  };
  let best = 0;
  for (let i = 1; i < pending.length; i++) if (reads(pending[i]) > reads(pending[best])) best = i;
  return best;
}

/**
 * One verdict from every statement's lines (each statement answers "ok" alone, or one line per problem):
 * "ok" when all are, else the problems in plan order, at most `max` lines.
 */
export function mergeCheckLines(answers: string[][], max = 50): string {
  const problems = answers.flatMap((lines) => (lines.length === 1 && lines[0] === "ok" ? [] : lines.length === 0 ? ["no answer"] : lines));
  return problems.length === 0 ? "ok" : problems.slice(0, max).join("\n");
}
