// Agentless watching (issue 16, item 8): Litestream 0.5 itself calls the
// project's ping URL (`heartbeat-url:` in litestream.yml; a plain GET at most
// once a minute, sent only when every database has synced). No auth: the
// unguessable per-project ping key is the credential, as the badge's key is.
//
//   GET|POST /ping/<ping key>  → 200 "OK" and the project's lastPingAt set to now; 404 for an unknown key.
//   pingUrl(publicUrl, pingKey): string   pure
import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors, Raw } from "../schemas.ts";
import { notFound } from "../errors.ts";

const Params = Type.Object({ key: Type.String({ maxLength: 100 }) }, { additionalProperties: false });
const KEY = /^[A-Za-z0-9_-]{16,64}$/;

export function pingUrl(publicUrl: string, pingKey: string): string {
  return `${publicUrl.replace(/\/$/, "")}/ping/${pingKey}`;
}

export default async function pingRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.route({
    method: ["GET", "POST"],
    url: "/ping/:key",
    schema: { params: Params, response: { 200: Raw("text/plain", "OK"), ...Errors }, tags: ["ping"], security: [] },
    handler: async (request, reply) => {
      const { key } = request.params;
      const project = KEY.test(key) ? await app.store.project.findUnique({ where: { pingKey: key }, select: { id: true } }) : null;
      if (!project) throw notFound("ping key");
      await app.store.project.update({ where: { id: project.id }, data: { lastPingAt: new Date() } });
      app.sweeper.evaluate(project.id);
      reply.header("cache-control", "no-store");
      return reply.send("OK");
    },
  });
}
