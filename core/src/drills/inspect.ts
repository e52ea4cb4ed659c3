// Opens a restored copy read-only and inspects it in a worker thread with a
// time limit: integrity (or quick) check, foreign keys, row counts, assertions.
import { Worker } from "node:worker_threads";

export interface Inspection {
  integrity: string;
  foreignKeyViolations: number;
  tables: Record<string, number>;
  assertionValues: ({ value: number } | { error: string })[];
  marker: { value: string; at: string } | null;
}

export class InspectionTimeout extends Error {}

/** Runs the integrity check and the data checks in two workers side by side: a drill is as long as the slower one. */
export async function inspectDatabase(
  file: string,
  options: { check: "integrity_check" | "quick_check"; assertions: { sql: string }[]; timeoutMs: number; onStep?: (step: string) => void },
): Promise<Inspection> {
  const [checked, data] = await Promise.all([
    runPart<{ integrity: string }>(file, "check", options),
    runPart<Omit<Inspection, "integrity">>(file, "data", options),
  ]);
  return { ...checked, ...data };
}

function runPart<T>(
  file: string,
  part: "check" | "data",
  options: { check: "integrity_check" | "quick_check"; assertions: { sql: string }[]; timeoutMs: number; onStep?: (step: string) => void },
): Promise<T> {
  const worker = new Worker(new URL("./inspect-worker.mjs", import.meta.url), {
    workerData: { file, part, check: options.check, assertions: options.assertions.map((a) => ({ sql: a.sql })) },
  });
  return new Promise((resolve, reject) => {
    let step = "open";
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new InspectionTimeout(`checks of the restored database did not finish within ${Math.round(options.timeoutMs / 1000)}s (stopped during ${step})`));
    }, options.timeoutMs);
    worker.on("message", (msg: { step?: string; done?: T; failed?: string }) => {
      if (msg.step) {
        step = msg.step;
        options.onStep?.(msg.step);
      } else if (msg.done) {
        clearTimeout(timer);
        resolve(msg.done);
      } else if (msg.failed !== undefined) {
        clearTimeout(timer);
        reject(new Error(`the restored database cannot be read: ${msg.failed}`));
      }
    });
    worker.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.on("exit", () => clearTimeout(timer));
  });
}
