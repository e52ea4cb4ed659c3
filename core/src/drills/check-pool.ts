// Runs a restored copy's checks as one list of jobs over worker threads, each
// worker on its own read-only connection, under one time limit: the integrity
// check's plan (check-plan.ts) and the data job (foreign keys, row counts,
// marker). Workers ask for their next job when done; the parent hands the
// largest table check left once the data job's page counts say which that is.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { mergeCheckLines, nextCheck, planCheck, spareThreads, type CheckPlan } from "./check-plan.ts";

export class InspectionTimeout extends Error {}

export const WORKER = new URL("./inspect-worker.mjs", import.meta.url);

/** What the data job finds: foreign-key violations, rows per application table, the newest marker row. */
export interface DataFindings {
  foreignKeyViolations: number;
  tables: Record<string, number>;
  marker: { value: string; at: string } | null;
}

function readLoadavg(): string | null {
  try {
    return readFileSync("/proc/loadavg", "utf8");
  } catch {
    return null;
  }
}

/**
 * The copy's ordinary tables (a root page: not virtual) and each table's index names; throws "cannot be
 * read" as the workers do.
 */
export function tableShapes(file: string): { tables: string[]; indexes: Record<string, string[]> } {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0")
        .all()
        .map((r) => String((r as { name: unknown }).name));
      const indexes: Record<string, string[]> = {};
      for (const r of db.prepare("SELECT tbl_name AS t, name FROM sqlite_schema WHERE type = 'index'").all() as { t: string; name: string }[]) {
        (indexes[r.t] ??= []).push(r.name);
      }
      return { tables, indexes };
    } finally {
      db.close();
    }
  } catch (err) {
    throw new Error(`the restored database cannot be read: ${(err as Error).message}`);
  }
}

/** The copy's ordinary tables, as tableShapes. */
export function tableNames(file: string): string[] {
  return tableShapes(file).tables;
}

/**
 * `check` of `file` and the data job. `integrity`: "ok", or the problems found (at most 50 lines);
 * `data`: settles as soon as the data job has answered (the assertions may start then). Both reject with
 * InspectionTimeout past `timeoutMs` (every worker stopped), or "the restored database cannot be read: …".
 * The split plan is chosen from the threads spare before any worker starts (spareNow): a worker of the
 * drill's own, running then, would count against it.
 */
export function runChecks(
  file: string,
  check: "integrity_check" | "quick_check",
  timeoutMs: number,
  onStep?: (step: string) => void,
  onPlan?: (plan: CheckPlan, threads: number) => void,
): { integrity: Promise<string>; data: Promise<DataFindings> } {
  const started = (async () => {
    const shapes = tableShapes(file);
    const spare = await spareNow(availableParallelism(), readLoadavg);
    const plan = planCheck(check, shapes.tables, spare);
    // Two workers at least: the data job beside a one-pass check, as before the split existed.
    const threads = Math.min(plan.length + 1, Math.max(2, spare));
    onPlan?.(plan, threads);
    return runJobs(file, plan, shapes.indexes, threads, timeoutMs, onStep);
  })();
  const integrity = started.then((r) => r.integrity);
  const data = started.then((r) => r.data);
  integrity.catch(() => undefined);
  data.catch(() => undefined);
  return { integrity, data };
}

/**
 * The most threads spare (spareThreads) in up to `samples` readings of `read` (the text of /proc/loadavg)
 * `gapMs` apart, stopping once all `cpus` are: a thread runnable for a moment (the drill's own parent
 * writing a progress step as the check starts) does not decide the plan.
 */
export async function spareNow(cpus: number, read: () => string | null, samples = 4, gapMs = 10): Promise<number> {
  let best = spareThreads(cpus, read());
  for (let i = 1; i < samples && best < cpus; i++) {
    await new Promise((r) => setTimeout(r, gapMs));
    best = Math.max(best, spareThreads(cpus, read()));
  }
  return best;
}

/** Runs `plan`'s statements and the data job on `threads` workers (at most one per job); answers as runChecks'. */
export function runJobs(
  file: string,
  plan: CheckPlan,
  indexes: Record<string, string[]>,
  threads: number,
  timeoutMs: number,
  onStep?: (step: string) => void,
): { integrity: Promise<string>; data: Promise<DataFindings> } {
  const answers: string[][] = plan.map(() => []);
  const pending = plan.map((_, i) => i);
  let dataTaken = false;
  let pages: Record<string, number> | null = null;
  let step = "open";
  let timer: NodeJS.Timeout | undefined;
  let resolveData!: (d: DataFindings) => void;
  let fail!: (err: Error) => void;
  const data = new Promise<DataFindings>((resolve, reject) => {
    resolveData = resolve;
    fail = (err) => reject(err);
  });
  const workers = Array.from({ length: Math.max(1, Math.min(plan.length + 1, threads)) }, () => new Worker(WORKER, { workerData: { file, part: "pool", statements: plan } }));
  const stopAll = () => {
    clearTimeout(timer);
    for (const w of workers) void w.terminate();
  };
  const handOut = (worker: Worker) => {
    if (!dataTaken) {
      dataTaken = true;
      // Page counts only where they order something: more than one statement.
      worker.postMessage({ run: "data", pages: plan.length > 1 });
      return;
    }
    const at = nextCheck(pending.map((i) => plan[i]), pages, indexes);
    if (at === -1) worker.postMessage({ stop: true });
    else worker.postMessage({ run: pending.splice(at, 1)[0] });
  };
  const finished = workers.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        worker.on("message", (msg: { ready?: true; step?: string; pages?: Record<string, number>; answer?: { index: number; lines: string[] }; data?: DataFindings; done?: true; failed?: string }) => {
          if (msg.step || msg.pages) {
            if (msg.pages) pages = msg.pages;
            if (msg.step) {
              step = msg.step;
              onStep?.(msg.step);
            }
            return;
          }
          if (msg.answer) answers[msg.answer.index] = msg.answer.lines;
          if (msg.data) resolveData(msg.data);
          if (msg.done) resolve();
          else if (msg.failed !== undefined) reject(new Error(`the restored database cannot be read: ${msg.failed}`));
          else handOut(worker);
        });
        worker.on("error", reject);
        worker.on("exit", (code) => reject(new Error(`check worker exited with code ${code} before finishing`)));
      }),
  );
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InspectionTimeout(`checks of the restored database did not finish within ${Math.round(timeoutMs / 1000)}s (stopped during ${step})`)), timeoutMs);
  });
  const all = Promise.race([Promise.all(finished), limit]).finally(stopAll);
  all.catch((err: Error) => fail(err));
  data.catch(() => undefined);
  return { integrity: all.then(() => mergeCheckLines(answers)), data };
}

/** Runs only `plan` (the data job too, its findings dropped) on `threads` workers; the verdict as runChecks'. */
export async function runCheckPlan(file: string, plan: CheckPlan, threads: number, timeoutMs: number, onStep?: (step: string) => void): Promise<{ integrity: string }> {
  return { integrity: await runJobs(file, plan, tableShapes(file).indexes, threads, timeoutMs, onStep).integrity };
}
