// Restores the core runs for `borela restore` through the API, kept in memory
// while they run and until their file is fetched: each restores into its own
// 0700 directory under BORELA_DRILL_DIR; the file is removed once sent, on
// DELETE, an hour after it is ready, or when the core stops.
//
//   createRestoreJobs(ctx): { start(project, database, options): RestoreJob; get(id); remove(id); close() }
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config.ts";
import type { Log } from "../logger.ts";
import type { Store } from "../store/db.ts";
import { restoreDatabase, RestoreFailedError, RestoreRefusedError, type RestoreOutcome } from "./restore-database.ts";

const KEEP_READY_MS = 3600_000;

export interface RestoreJob {
  id: string;
  project: string;
  database: string;
  status: "running" | "ready" | "refused" | "failed";
  steps: { step: string; message: string; at: string }[];
  error: string | null;
  outcome: RestoreOutcome | null;
  /** The restored file while status is "ready" (never shown by the API: it names a path on the core). */
  file: string | null;
}

export function createRestoreJobs(ctx: { store: Store; config: Config; logger?: Pick<Log, "warn"> }) {
  const jobs = new Map<string, { job: RestoreJob; dir: string | null; timer: NodeJS.Timeout | null }>();

  async function remove(id: string): Promise<void> {
    const entry = jobs.get(id);
    if (!entry) return;
    jobs.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    if (entry.dir) await rm(entry.dir, { recursive: true, force: true });
  }

  async function run(entry: { job: RestoreJob; dir: string | null; timer: NodeJS.Timeout | null }, project: Parameters<typeof restoreDatabase>[1], database: Parameters<typeof restoreDatabase>[2], options: { timestamp?: Date; force?: boolean }) {
    const { job } = entry;
    try {
      await mkdir(ctx.config.drillDir, { recursive: true, mode: 0o700 });
      entry.dir = await mkdtemp(path.join(ctx.config.drillDir, `restore-${job.id}-`));
      job.outcome = await restoreDatabase(ctx, project, database, {
        ...options,
        scratch: entry.dir,
        onStep: (step, message) => job.steps.push({ step, message, at: new Date().toISOString() }),
      });
      job.file = job.outcome.file;
      job.status = "ready";
    } catch (err) {
      job.status = err instanceof RestoreRefusedError ? "refused" : "failed";
      job.error = err instanceof RestoreRefusedError || err instanceof RestoreFailedError ? err.message : `cannot restore ${job.project}/${job.database}: ${(err as Error).message}`;
      if (entry.dir) await rm(entry.dir, { recursive: true, force: true });
      entry.dir = null;
      ctx.logger?.warn({ restore: job.id, reason: job.error }, "restore did not complete");
    }
    if (jobs.has(job.id)) entry.timer = setTimeout(() => void remove(job.id), KEEP_READY_MS).unref();
  }

  return {
    start(project: Parameters<typeof restoreDatabase>[1], database: Parameters<typeof restoreDatabase>[2], options: { timestamp?: Date; force?: boolean }): RestoreJob {
      const job: RestoreJob = { id: randomBytes(12).toString("hex"), project: project.name, database: database.name, status: "running", steps: [], error: null, outcome: null, file: null };
      const entry = { job, dir: null, timer: null };
      jobs.set(job.id, entry);
      void run(entry, project, database, options);
      return job;
    },
    get: (id: string): RestoreJob | null => jobs.get(id)?.job ?? null,
    remove,
    async close() {
      await Promise.all([...jobs.keys()].map(remove));
    },
  };
}
