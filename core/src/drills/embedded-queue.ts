// The queue without Redis: queued Drill rows, claimed one at a time by this
// process under a lease. Several core processes on one data dir never run a
// drill twice: the claim is a conditional update.
import type { Logger } from "../logger.ts";
import type { DrillContext } from "./run-drill.ts";
import { executeDrill } from "./execute.ts";
import { claimDrill, reclaimExpired, renewLease } from "./leases.ts";

export function createEmbeddedQueue(ctx: DrillContext & { logger: Logger }, workerId: string, pollMs = 1_000) {
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let stopped = false;

  async function next(): Promise<void> {
    await reclaimExpired(ctx.store, ctx.config.drillDir);
    const queued = await ctx.store.drill.findMany({ where: { status: "queued" }, orderBy: { queuedAt: "asc" }, take: 5 });
    for (const drill of queued) {
      if (stopped) return;
      if (!(await claimDrill(ctx.store, drill.id, workerId, ctx.config.drillLeaseSeconds * 1000))) continue;
      const release = renewLease(ctx.store, drill.id, workerId, ctx.config.drillLeaseSeconds * 1000);
      try {
        await executeDrill(ctx, drill.id, drill.attempts + 1);
      } finally {
        release();
      }
    }
  }

  function tick(): Promise<void> {
    current ??= next()
      .catch((err) => ctx.logger.error({ err }, "drill queue failed"))
      .finally(() => (current = null));
    return current;
  }

  return {
    tick,
    /** Runs queued drills now instead of at the next poll. */
    wake(): void {
      void tick();
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
