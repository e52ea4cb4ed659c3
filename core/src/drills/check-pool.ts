// Runs a restored copy's integrity check as its plan (check-plan.ts) on as
// many worker threads as the machine has to spare, each on its own read-only
// connection, under one time limit.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { mergeCheckLines, planCheck, spareThreads, type CheckPlan } from "./check-plan.ts";

export class InspectionTimeout extends Error {}

export const WORKER = new URL("./inspect-worker.mjs", import.meta.url);

function readLoadavg(): string | null {
  try {
    return readFileSync("/proc/loadavg", "utf8");
  } catch {
    return null;
  }
}

/** The copy's ordinary tables (a root page: not virtual); throws "cannot be read" as the workers do. */
export function tableNames(file: string): string[] {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0")
        .all()
        .map((r) => String((r as { name: unknown }).name));
    } finally {
      db.close();
    }
  } catch (err) {
    throw new Error(`the restored database cannot be read: ${(err as Error).message}`);
  }
}

/**
 * `check` of `file`: "ok", or the problems found (at most 50 lines). Rejects with InspectionTimeout past
 * `timeoutMs` (every worker stopped), or "the restored database cannot be read: …".
 */
export async function runIntegrityCheck(
  file: string,
  check: "integrity_check" | "quick_check",
  timeoutMs: number,
  onStep?: (step: string) => void,
  onPlan?: (plan: CheckPlan, threads: number) => void,
): Promise<{ integrity: string }> {
  const threads = spareThreads(availableParallelism(), readLoadavg());
  const plan = planCheck(check, tableNames(file), threads);
  onPlan?.(plan, Math.min(plan.length, threads));
  return runCheckPlan(file, plan, threads, timeoutMs, onStep);
}

/** Runs `plan`'s statements on `threads` workers (at most one per statement); the answers merged as runIntegrityCheck's. */
export async function runCheckPlan(
  file: string,
  plan: CheckPlan,
  threads: number,
  timeoutMs: number,
  onStep?: (step: string) => void,
): Promise<{ integrity: string }> {
  const claim = new SharedArrayBuffer(4);
  const answers: string[][] = plan.map(() => []);
  const workers = Array.from({ length: Math.min(plan.length, threads) }, () => new Worker(WORKER, { workerData: { file, part: "check", statements: plan, claim } }));
  let step = "open";
  let timer: NodeJS.Timeout | undefined;
  const stopAll = () => {
    clearTimeout(timer);
    for (const w of workers) void w.terminate();
  };
  const finished = workers.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        worker.on("message", (msg: { step?: string; answer?: { index: number; lines: string[] }; done?: unknown; failed?: string }) => {
          if (msg.step) {
            step = msg.step;
            onStep?.(msg.step);
          } else if (msg.answer) answers[msg.answer.index] = msg.answer.lines;
          else if (msg.done) resolve();
          else if (msg.failed !== undefined) reject(new Error(`the restored database cannot be read: ${msg.failed}`));
        });
        worker.on("error", reject);
        worker.on("exit", (code) => reject(new Error(`check worker exited with code ${code} before finishing`)));
      }),
  );
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InspectionTimeout(`checks of the restored database did not finish within ${Math.round(timeoutMs / 1000)}s (stopped during ${step})`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.all(finished), limit]);
  } finally {
    stopAll();
  }
  return { integrity: mergeCheckLines(answers) };
}
