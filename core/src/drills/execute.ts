// One attempt at a drill, shared by both queues: run it, record the outcome,
// and tell the queue whether another attempt is worth it.
import type { Logger } from "../logger.ts";
import { InfrastructureError, runDrill, type DrillContext } from "./run-drill.ts";
import { recordOutcome } from "./outcome.ts";
import { emptyReport } from "./report.ts";
import { prepareIsolation } from "./isolation/run-isolated.ts";

export const MAX_ATTEMPTS = 3;

/** Returns "retry" when storage was unreachable and attempts remain; the Drill row then stays queued. */
export async function executeDrill(ctx: DrillContext & { logger?: Logger }, drillId: string, attempt: number): Promise<"done" | "retry"> {
  try {
    prepareIsolation(ctx.isolation?.mode ?? ctx.config.drillIsolation);
    const outcome = await runDrill(ctx, drillId);
    await recordOutcome(ctx.store, drillId, outcome);
    ctx.logger?.info({ drillId, status: outcome.status, error: outcome.report.error }, "drill finished");
    return "done";
  } catch (err) {
    const message = (err as Error).message;
    if (err instanceof InfrastructureError && attempt < MAX_ATTEMPTS) {
      ctx.logger?.warn({ drillId, attempt, err: message }, "drill could not reach storage; will retry");
      await ctx.store.drill.update({ where: { id: drillId }, data: { status: "queued", leaseUntil: null, workerId: null, error: message } });
      return "retry";
    }
    ctx.logger?.error({ drillId, err: message }, "drill ended in error");
    const drill = await ctx.store.drill.findUnique({ where: { id: drillId } });
    const report = { ...emptyReport(drill?.databaseName ?? "?", null, drill?.timestamp ?? null), error: message };
    await recordOutcome(ctx.store, drillId, { status: "error", report });
    return "done";
  }
}
