import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { notFound } from "../errors.ts";
import { AgentToken, Errors, IdParams, IssuedToken, NoContent } from "../schemas.ts";
import { issueAgentToken } from "../agent-tokens.ts";

const Rotate = Type.Object(
  {
    /** Seconds the previous tokens keep working, so a rolling deploy can pick up the new one. 0 revokes them now. */
    overlapSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86400 })),
  },
  { additionalProperties: false },
);
const TokenParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }), tokenId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export default async function tokenRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook("onRequest", app.requireAdmin);

  async function requireProject(id: string) {
    const project = await app.store.project.findUnique({ where: { id }, select: { id: true } });
    if (!project) throw notFound(`project ${id}`);
  }

  app.get("/api/v1/projects/:id/tokens", { schema: { params: IdParams, response: { 200: Type.Array(AgentToken), ...Errors }, tags: ["tokens"] } }, async (request) => {
    const { id } = request.params;
    await requireProject(id);
    const tokens = await app.store.agentToken.findMany({ where: { projectId: id }, orderBy: { createdAt: "desc" } });
    const now = Date.now();
    return tokens.map((t) => ({
      id: t.id,
      hint: t.hint,
      createdAt: t.createdAt,
      lastUsedAt: t.lastUsedAt,
      expiresAt: t.expiresAt,
      revokedAt: t.revokedAt,
      active: !t.revokedAt && (!t.expiresAt || t.expiresAt.getTime() > now),
    }));
  });

  app.post(
    "/api/v1/projects/:id/tokens",
    { schema: { params: IdParams, body: Type.Optional(Rotate), response: { 201: IssuedToken, ...Errors }, tags: ["tokens"] } },
    async (request, reply) => {
      const { id } = request.params;
      const overlap = request.body?.overlapSeconds ?? 0;
      await requireProject(id);
      const now = new Date();
      const active = { projectId: id, revokedAt: null };
      if (overlap === 0) await app.store.agentToken.updateMany({ where: active, data: { revokedAt: now } });
      else {
        const until = new Date(now.getTime() + overlap * 1000);
        await app.store.agentToken.updateMany({ where: { ...active, OR: [{ expiresAt: null }, { expiresAt: { gt: until } }] }, data: { expiresAt: until } });
      }
      const token = await issueAgentToken(app.store, id);
      app.agentAuth.forgetTokens();
      return reply.code(201).send({ id: token.id, agentToken: token.agentToken, hint: token.hint, previousValidUntil: new Date(now.getTime() + overlap * 1000) });
    },
  );

  app.delete("/api/v1/projects/:id/tokens/:tokenId", { schema: { params: TokenParams, response: { 204: NoContent, ...Errors }, tags: ["tokens"] } }, async (request, reply) => {
    const { id, tokenId } = request.params;
    const { count } = await app.store.agentToken.updateMany({
      where: { id: tokenId, projectId: id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    app.agentAuth.forgetTokens();
    if (count === 0) {
      const exists = await app.store.agentToken.findFirst({ where: { id: tokenId, projectId: id } });
      if (!exists) throw notFound(`token ${tokenId} of project ${id}`);
    }
    return reply.code(204).send();
  });
}
