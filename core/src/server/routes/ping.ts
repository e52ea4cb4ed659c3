// Agentless watching (issue 16, item 8): Litestream 0.5 itself calls the
// project's ping URL (`heartbeat-url:` in litestream.yml; a plain GET at most
// once a minute, sent only when every database has synced). No auth: the
// unguessable per-project ping key is the credential, as the badge's key is.
//
//   GET|POST /ping/<ping key>  → 200 "OK" and the project's lastPingAt set to now; 404 for an unknown key
//                                (a short one: the key is never echoed, however long). Any content type: the body is ignored.
//   HEAD /ping/<ping key>      → 200 for a known key, 404 otherwise, recording nothing: link unfurlers and
//                                uptime checkers send HEAD, and must not keep a project fresh.
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
  // Scoped to this plugin: whatever a caller sends with its POST is drained unread, never a 415 or a JSON error.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, payload, done) => {
    payload.resume();
    done(null, undefined);
  });
  app.route({
    method: ["GET", "POST", "HEAD"],
    url: "/ping/:key",
    exposeHeadRoute: false, // Fastify's implicit HEAD would run the GET handler and record a ping
    schema: { params: Params, response: { 200: Raw("text/plain", "OK"), ...Errors }, tags: ["ping"], security: [] },
    handler: async (request, reply) => {
      const { key } = request.params;
      const project = KEY.test(key) ? await app.store.project.findUnique({ where: { pingKey: key }, select: { id: true } }) : null;
      if (!project) throw notFound("ping key");
      reply.header("cache-control", "no-store");
      if (request.method === "HEAD") return reply.send();
      await app.store.project.update({ where: { id: project.id }, data: { lastPingAt: new Date() } });
      app.sweeper.evaluate(project.id);
      return reply.send("OK");
    },
  });
  // A key over the router's maxParamLength (or holding a slash) matches no `:key`; without this the
  // generic 404 would echo the whole URL back.
  app.route({
    method: ["GET", "POST", "HEAD"],
    url: "/ping/*",
    exposeHeadRoute: false,
    schema: { hide: true },
    handler: async () => {
      throw notFound("ping key");
    },
  });
}
