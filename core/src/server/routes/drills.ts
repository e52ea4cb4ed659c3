import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Drill, Errors, IdParams, QueuedDrills } from "../schemas.ts";
import { badRequest, notFound } from "../errors.ts";
import { DrillRequestError } from "../../drills/service.ts";
import { drillView } from "../../drills/view.ts";

const Body = Type.Object(
  {
    database: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    timestamp: Type.Optional(Type.String({ format: "date-time" })),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false });

export default async function drillRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook("onRequest", app.requireAdmin);

  app.post("/api/v1/projects/:id/drills", { schema: { params: IdParams, body: Type.Optional(Body), response: { 202: QueuedDrills, ...Errors }, tags: ["drills"] } }, async (request, reply) => {
    const { id } = request.params;
    const body = request.body ?? {};
    const project = await app.store.project.findUnique({ where: { id }, select: { id: true } });
    if (!project) throw notFound(`project ${id}`);
    const timestamp = body.timestamp ? new Date(body.timestamp) : undefined;
    if (timestamp && timestamp.getTime() > Date.now()) throw badRequest(`timestamp ${body.timestamp} is in the future`);
    try {
      const ids = await app.drills.enqueue(id, { database: body.database, timestamp, trigger: "manual" });
      return reply.code(202).send({ id: ids[0], ids });
    } catch (err) {
      if (err instanceof DrillRequestError) throw badRequest(err.message);
      throw err;
    }
  });

  app.get("/api/v1/projects/:id/drills", { schema: { params: IdParams, querystring: ListQuery, response: { 200: Type.Array(Drill), ...Errors }, tags: ["drills"] } }, async (request) => {
    const { id } = request.params;
    const { limit = 50 } = request.query;
    const project = await app.store.project.findUnique({ where: { id }, select: { id: true } });
    if (!project) throw notFound(`project ${id}`);
    const drills = await app.store.drill.findMany({ where: { projectId: id }, orderBy: { queuedAt: "desc" }, take: limit });
    return drills.map(drillView);
  });

  app.get("/api/v1/drills/:id", { schema: { params: IdParams, response: { 200: Drill, ...Errors }, tags: ["drills"] } }, async (request) => {
    const { id } = request.params;
    const drill = await app.store.drill.findUnique({ where: { id } });
    if (!drill) throw notFound(`drill ${id}`);
    return drillView(drill);
  });
}
