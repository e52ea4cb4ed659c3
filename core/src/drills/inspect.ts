// Opens a restored copy read-only and inspects it in worker threads with time
// limits: integrity (or quick) check, foreign keys, row counts, marker, and the
// project's assertions, each assertion held to its own limit.
import { Worker } from "node:worker_threads";
import { InspectionTimeout, runChecks, WORKER } from "./check-pool.ts";

export { InspectionTimeout };

export type AssertionValue = { value: number } | { error: string };

export interface Inspection {
  integrity: string;
  foreignKeyViolations: number;
  tables: Record<string, number>;
  assertionValues: AssertionValue[];
  marker: { value: string; at: string } | null;
}

export interface InspectOptions {
  check: "integrity_check" | "quick_check";
  assertions: { sql: string }[];
  /** Limit for the integrity check, foreign keys and counts together. */
  timeoutMs: number;
  /** Limit for each assertion query. */
  assertionTimeoutMs?: number;
  onStep?: (step: string) => void;
  /** Told once how the integrity check runs: its statements (check-plan.ts) and the threads they share. */
  onPlan?: (plan: string[], threads: number) => void;
}

/**
 * The integrity check (split over threads, check-plan.ts) and the data checks as one list of jobs
 * (check-pool.ts); the assertions start once the data job has answered, beside the rest of the check.
 */
export async function inspectDatabase(file: string, options: InspectOptions): Promise<Inspection> {
  const { integrity, data } = runChecks(file, options.check, options.timeoutMs, options.onStep, options.onPlan);
  const [checked, found] = await Promise.all([
    integrity,
    data.then(async (d) => ({ ...d, assertionValues: await runAssertions(file, options.assertions, options.assertionTimeoutMs ?? 60_000) })),
  ]);
  return { integrity: checked, ...found };
}

const WORKER_START_MS = 10_000;

/** Runs every assertion; one that overruns its limit is stopped and recorded as an error, and the rest go on in a fresh worker. */
async function runAssertions(file: string, assertions: { sql: string }[], limitMs: number): Promise<AssertionValue[]> {
  const values: AssertionValue[] = [];
  // Each round ends at least one assertion (answered or timed out), so this ends.
  while (values.length < assertions.length) values.push(...(await assertionRound(file, assertions, values.length, limitMs)));
  return values;
}

function assertionRound(file: string, assertions: { sql: string }[], from: number, limitMs: number): Promise<AssertionValue[]> {
  const worker = new Worker(WORKER, { workerData: { file, part: "assertions", assertions: assertions.map((a) => ({ sql: a.sql })), from } });
  const values: AssertionValue[] = [];
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const arm = (ms = limitMs) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void worker.terminate();
        settle(() => resolve([...values, { error: `did not finish within ${limitMs / 1000}s; stopped` }]));
      }, ms);
    };
    // Starting a worker and opening the copy is not the assertion's time (seconds on a loaded machine).
    arm(limitMs + WORKER_START_MS);
    worker.on("message", (msg: { ready?: true; assertion?: AssertionValue; done?: unknown; failed?: string }) => {
      if (msg.ready) arm();
      else if (msg.assertion) {
        values.push(msg.assertion);
        arm();
      } else if (msg.done) settle(() => resolve(values));
      else if (msg.failed !== undefined) settle(() => reject(new Error(`the restored database cannot be read: ${msg.failed}`)));
    });
    worker.on("error", (err) => settle(() => reject(err)));
    worker.on("exit", (code) => settle(() => reject(new Error(`assertion worker exited with code ${code} before finishing`))));
  });
}
