import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { startEventLoopMonitor } from "../event-loop-health.ts";

const EventLoop = Type.Object({ p50Ms: Type.Number(), p99Ms: Type.Number(), maxMs: Type.Number(), maxSinceStartMs: Type.Number(), windowSeconds: Type.Number() });

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
        response: { 200: Type.Object({ ok: Type.Boolean(), details: Type.Optional(Type.Object({ eventLoop: EventLoop })) }) },
      },
    },
    async (request) => (request.query.details ? { ok: true, details: { eventLoop: eventLoop.figures() } } : { ok: true }),
  );
}
