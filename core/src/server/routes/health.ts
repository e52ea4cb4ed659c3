import type { FastifyInstance } from "fastify";
import { Type } from "@fastify/type-provider-typebox";

export default async function healthRoutes(app: FastifyInstance) {
  app.get(
    "/healthz",
    { schema: { hide: true, response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    async () => ({ ok: true }),
  );
}
