import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors, IdParams, Incident } from "../schemas.ts";
import { notFound } from "../errors.ts";
import { incidentViews, openFilter } from "../incident-view.ts";

const Query = Type.Object(
  { open: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
  { additionalProperties: false },
);

const AllQuery = Type.Object(
  {
    open: Type.Optional(Type.Boolean({ description: "true: open incidents only; false: resolved only; absent: all" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export default async function incidentRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  /** Incidents of every project, newest first, each naming its project: the dashboard's incidents page. */
  app.get("/api/v1/incidents", { onRequest: app.requireAdmin, schema: { querystring: AllQuery, response: { 200: Type.Array(Incident), ...Errors }, tags: ["incidents"] } }, async (request) => {
    const { open, limit = 100 } = request.query;
    return incidentViews(app.store, openFilter(open), limit, true);
  });

  app.get(
    "/api/v1/projects/:id/incidents",
    { onRequest: app.requireAdmin, schema: { params: IdParams, querystring: Query, response: { 200: Type.Array(Incident), ...Errors }, tags: ["incidents"] } },
    async (request) => {
      const { id } = request.params;
      const { open, limit = 100 } = request.query;
      const project = await app.store.project.findUnique({ where: { id }, select: { id: true } });
      if (!project) throw notFound(`project ${id}`);
      return incidentViews(app.store, { projectId: id, ...openFilter(open) }, limit, false);
    },
  );
}
