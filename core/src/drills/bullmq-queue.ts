// The queue on Redis: BullMQ carries drill ids and per-project schedules;
// the Drill row stays the record of truth. Workers may run on other machines
// (`borela worker`) against the same store.
import { Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Logger } from "../logger.ts";
import type { DrillContext } from "./run-drill.ts";
import { executeDrill, MAX_ATTEMPTS } from "./execute.ts";
import { claimDrill, renewLease } from "./leases.ts";

export const QUEUE_NAME = "borela-drills";

export interface DrillJob {
  drillId?: string;
  /** A scheduled job names the project; the worker enqueues one drill per database. */
  projectId?: string;
}

export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    maxRetriesPerRequest: null,
  };
}

export function createDrillQueue(redisUrl: string) {
  const queue = new Queue<DrillJob>(QUEUE_NAME, { connection: redisConnection(redisUrl) });
  return {
    queue,
    async add(drillId: string, attempt = 1): Promise<void> {
      await queue.add("drill", { drillId }, { jobId: `${drillId}-${attempt}`, attempts: MAX_ATTEMPTS, backoff: { type: "exponential", delay: 2_000 }, removeOnComplete: 1000, removeOnFail: 1000 });
    },
    async schedule(projectId: string, cron: string): Promise<void> {
      await queue.upsertJobScheduler(`project-${projectId}`, { pattern: cron, tz: "UTC" }, { name: "scheduled", data: { projectId } });
    },
    async unschedule(projectId: string): Promise<void> {
      await queue.removeJobScheduler(`project-${projectId}`);
    },
    close: () => queue.close(),
  };
}

export function createDrillWorker(
  ctx: DrillContext & { logger: Logger },
  redisUrl: string,
  options: { workerId: string; concurrency: number; enqueueScheduled: (projectId: string) => Promise<string[]> },
) {
  const worker = new Worker<DrillJob>(
    QUEUE_NAME,
    async (job: Job<DrillJob>) => {
      if (job.data.projectId) {
        const ids = await options.enqueueScheduled(job.data.projectId);
        return { enqueued: ids };
      }
      const drillId = job.data.drillId!;
      // A stalled job comes back to another worker; the claim makes sure only one runs it.
      if (!(await claimDrill(ctx.store, drillId, options.workerId, ctx.config.drillLeaseSeconds * 1000))) return { skipped: "already claimed or finished" };
      const release = renewLease(ctx.store, drillId, options.workerId, ctx.config.drillLeaseSeconds * 1000);
      try {
        const result = await executeDrill(ctx, drillId, job.attemptsMade + 1);
        if (result === "retry") throw new Error("storage unreachable; retrying");
        return { done: true };
      } finally {
        release();
      }
    },
    // A killed worker's job is noticed as stalled after the drill lease, like the Drill row's own lease.
    { connection: redisConnection(redisUrl), concurrency: options.concurrency, lockDuration: ctx.config.drillLeaseSeconds * 1000, stalledInterval: ctx.config.drillLeaseSeconds * 1000 },
  );
  worker.on("failed", (job, err) => ctx.logger.warn({ jobId: job?.id, err: err.message }, "drill job failed"));
  return worker;
}
