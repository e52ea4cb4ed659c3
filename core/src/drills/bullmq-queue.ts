// The queue on Redis: BullMQ carries drill ids only; the Drill row stays the record of truth and the core's
// own deadlines (Project.nextDrillAt, deadlines.ts) decide when a scheduled drill is due, so a Redis that
// lost everything loses no schedule. Workers may run on other machines (`borela worker`) against the same store.
import { Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/db.ts";
import type { RedisConnection } from "../queue/redis.ts";
import type { DrillContext } from "./run-drill.ts";
import { executeDrill, MAX_ATTEMPTS } from "./execute.ts";
import { claimOrTakeOver, renewLease } from "./leases.ts";
import { startWorkerBeat } from "./worker-beat.ts";

export const QUEUE_NAME = "borela-drills";

export interface DrillJob {
  drillId: string;
}

/** Job schedulers of versions that let BullMQ fire schedules were named `project-<project id>`. */
export const isOldScheduler = (key: string): boolean => key.startsWith("project-");

/**
 * The producer side on `connection` (shared: closed by its owner, after this). add(drillId) queues one attempt
 * of a drill. start() removes older versions' job schedulers and, now and each time Redis (re)connects, adds
 * the job of every queued Drill row again (job ids dedupe): a drill queued while Redis was down, or a Redis
 * that lost its data, loses no drill. Errors are logged, never thrown from start().
 */
export function createDrillQueue(connection: RedisConnection, store: Store, logger: Logger) {
  const queue = new Queue<DrillJob>(QUEUE_NAME, { connection: connection.client });
  queue.on("error", (err) => logger.warn({ err: err.message }, "drill queue: Redis error"));
  let work: Promise<void> = Promise.resolve();
  const later = (what: string, fn: () => Promise<void>) => {
    work = work.then(fn).catch((err) => logger.error({ err: (err as Error).message }, `drill queue: ${what} failed`));
  };

  /**
   * Adds one attempt of `drillId` (job id `<drillId>-<attempt>`: adding a waiting one again is a no-op).
   * Not connected within 2 s, it adds nothing (the re-add on reconnect does): a command would wait for Redis.
   * Finished jobs are removed at once: the Drill row keeps the outcome, so a deleted project leaves no job behind.
   */
  async function add(drillId: string, attempt = 1): Promise<void> {
    if (!(await connection.ready(2_000))) return;
    await queue.add("drill", { drillId }, { jobId: `${drillId}-${attempt}`, attempts: MAX_ATTEMPTS, backoff: { type: "exponential", delay: 2_000 }, removeOnComplete: true, removeOnFail: true });
  }

  async function removeOldSchedulers(): Promise<void> {
    let removed = 0;
    // Bounded: a page of 1,000 at a time, at most 1,000 pages.
    for (let page = 0; page < 1_000; page++) {
      const old = (await queue.getJobSchedulers(0, 999)).filter((s) => isOldScheduler(s.key));
      if (old.length === 0) break;
      for (const s of old) if (await queue.removeJobScheduler(s.key)) removed++;
    }
    if (removed) logger.info({ removed }, "drill queue: removed BullMQ job schedulers of an older version");
  }

  async function addQueued(): Promise<void> {
    const queued = await store.drill.findMany({ where: { status: "queued" }, select: { id: true, attempts: true } });
    for (const d of queued) await add(d.id, d.attempts + 1);
  }
  const onReady = () => later("adding queued drills", addQueued);

  return {
    queue,
    add,
    start(): void {
      later("removing old job schedulers", removeOldSchedulers);
      connection.client.on("ready", onReady);
      if (connection.client.status === "ready") onReady();
    },
    async close(): Promise<void> {
      connection.client.off("ready", onReady);
      await work;
      await queue.close();
    },
  };
}

/**
 * A BullMQ worker on `connection` (BullMQ duplicates it for its blocking reads; the shared client is not
 * closed by worker.close()). Each job claims its Drill row first, so a job delivered twice runs once.
 * While it runs, the worker records that it is alive every third of the drill lease (worker-beat.ts;
 * `statusFile`: also written there, for `borela worker`'s container healthcheck); close() stops that.
 * `workerId` is "<hostname>:<pid>": the Drill row's workerId names the process running it.
 */
export function createDrillWorker(ctx: DrillContext & { logger: Logger }, connection: Redis, options: { workerId: string; concurrency: number; statusFile?: string }) {
  const leaseMs = ctx.config.drillLeaseSeconds * 1000;
  const worker = new Worker<DrillJob>(
    QUEUE_NAME,
    async (job: Job<DrillJob>) => {
      const { drillId } = job.data;
      // Jobs of older versions' schedulers name a project, not a drill: nothing to run (the core's tick fires schedules now).
      if (!drillId) return { skipped: "not a drill job" };
      // A stalled job comes back to another worker; the claim makes sure only one runs it.
      if (!(await claimOrTakeOver(ctx.store, drillId, options.workerId, leaseMs))) return { skipped: "already claimed or finished" };
      const release = renewLease(ctx.store, drillId, options.workerId, leaseMs);
      try {
        const result = await executeDrill(ctx, drillId, job.attemptsMade + 1);
        if (result === "retry") throw new Error("storage unreachable; retrying");
        return { done: true };
      } finally {
        release();
      }
    },
    // A killed worker's job is noticed as stalled after the drill lease, like the Drill row's own lease.
    { connection, concurrency: options.concurrency, lockDuration: leaseMs, stalledInterval: leaseMs },
  );
  const beat = startWorkerBeat(ctx.store, options.workerId, {
    everyMs: Math.max(1_000, Math.floor(leaseMs / 3)),
    logger: ctx.logger,
    statusFile: options.statusFile,
    problem: () => (connection.status !== "ready" ? `Redis not connected (${connection.status})` : worker.isPaused() ? "paused" : null),
  });
  const close = worker.close.bind(worker);
  worker.close = async (force?: boolean) => {
    await beat.stop();
    return close(force);
  };
  worker.on("failed", (job, err) => ctx.logger.warn({ jobId: job?.id, err: err.message }, "drill job failed"));
  worker.on("error", (err) => ctx.logger.warn({ err: err.message }, "drill worker: Redis error"));
  return worker;
}
