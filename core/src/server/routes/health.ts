import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { startEventLoopMonitor } from "../event-loop-health.ts";
import { sweepHealth } from "../../freshness/sweep-health.ts";

const EventLoop = Type.Object({ p50Ms: Type.Number(), p99Ms: Type.Number(), maxMs: Type.Number(), maxSinceStartMs: Type.Number(), windowSeconds: Type.Number() });
const Sweep = Type.Object({ lastSweepAt: Type.Union([Type.String(), Type.Null()]), staleAfterSeconds: Type.Number() });
const Details = Type.Object({ eventLoop: EventLoop, sweep: Sweep });

export default async function healthRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  // Event-loop delay (issue 18): in /healthz?details=true, and a warn line when a window's stall passes 200 ms.
  const eventLoop = startEventLoopMonitor((fields, message) => app.log.warn({ eventLoop: fields }, message));
  app.addHook("onClose", async () => eventLoop.stop());
  app.get(
    "/healthz",
    {
      schema: {
        hide: true,
        querystring: Type.Object({ details: Type.Optional(Type.Boolean()) }),
        response: {
          200: Type.Object({ ok: Type.Boolean(), details: Type.Optional(Details) }),
          // The process answers, its judging loop does not (freshness/sweep-health.ts).
          503: Type.Object({ ok: Type.Boolean(), error: Type.String(), message: Type.String(), lastSweepAt: Type.Union([Type.String(), Type.Null()]), details: Type.Optional(Details) }),
        },
      },
    },
    async (request, reply) => {
      const { sweeper, config } = app;
      const sweep = sweepHealth(sweeper.lastCompletedAt(), sweeper.startedAt, config.sweepIntervalSeconds, new Date());
      const details = request.query.details ? { details: { eventLoop: eventLoop.figures(), sweep: { lastSweepAt: sweep.lastSweepAt, staleAfterSeconds: sweep.staleAfterSeconds } } } : {};
      if (!sweep.ok) return reply.code(503).send({ ok: false, error: "sweep_stale", message: sweep.reason ?? "sweep stale", lastSweepAt: sweep.lastSweepAt, ...details });
      return { ok: true, ...details };
    },
  );
}
