// The queue without Redis: queued Drill rows, claimed one at a time by this
// process under a lease. Several core processes on one data dir never run a
// drill twice: the claim is a conditional update.
import type { Logger } from "../logger.ts";
import type { DrillContext } from "./run-drill.ts";
import { executeDrill } from "./execute.ts";
import { claimDrill, reclaimExpired, renewLease } from "./leases.ts";
import { retryDelayMs } from "./decisions.ts";
import { createOutageLog } from "../store/outage.ts";

// The poll's first look (both stores, index Drill(status)): ~0.1 ms of CPU where the two Prisma reads
// below cost ~1.7 ms, every second on every core, and nearly always find nothing.
const ANY_DRILL_SQL = `SELECT 1 AS "found" FROM "Drill" WHERE "status" IN ('queued', 'running') LIMIT 1`;

/** Whether any Drill row is queued or running (one indexed read on either store). Rejects with the store's error. */
export async function anyDrillWaiting(store: DrillContext["store"]): Promise<boolean> {
  return (await store.$queryRawUnsafe<unknown[]>(ANY_DRILL_SQL)).length > 0;
}

export function createEmbeddedQueue(ctx: DrillContext & { logger: Logger }, workerId: string, pollMs = 1_000) {
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  // A store outage: one line when it begins and one when it ends, not an error with a stack every poll.
  const outages = createOutageLog(ctx.logger, "drill queue");
  let stopped = false;
  // A drill that could not reach storage waits before its next attempt (kept in memory: a restart retries at once).
  const notBefore = new Map<string, number>();

  async function next(only?: string[]): Promise<void> {
    if (!only && !(await anyDrillWaiting(ctx.store))) return;
    await reclaimExpired(ctx.store, ctx.config.drillDir);
    const queued = await ctx.store.drill.findMany({
      where: { status: "queued", ...(only ? { id: { in: only } } : {}) },
      orderBy: { queuedAt: "asc" },
      take: 20,
    });
    for (const drill of queued) {
      if (stopped) return;
      if ((notBefore.get(drill.id) ?? 0) > Date.now()) continue;
      if (!(await claimDrill(ctx.store, drill.id, workerId, ctx.config.drillLeaseSeconds * 1000))) continue;
      const release = renewLease(ctx.store, drill.id, workerId, ctx.config.drillLeaseSeconds * 1000);
      try {
        const result = await executeDrill(ctx, drill.id, drill.attempts + 1);
        if (result === "retry") notBefore.set(drill.id, Date.now() + retryDelayMs(drill.attempts + 1));
        else notBefore.delete(drill.id);
      } finally {
        release();
      }
    }
  }

  /** Runs queued drills (only the given ones when named); a tick already under way is joined instead. */
  function tick(only?: string[]): Promise<void> {
    current ??= outages.settle(next(only), "drill queue failed").finally(() => (current = null));
    return current;
  }

  return {
    tick,
    /** Runs these queued drills now instead of at the next poll. */
    wake(only?: string[]): void {
      void tick(only);
    },
    start(): void {
      stopped = false;
      timer = setInterval(() => void tick(), pollMs);
      timer.unref();
      void tick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      await current;
    },
  };
}
