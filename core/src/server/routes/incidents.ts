import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors, IdParams, Incident } from "../schemas.ts";
import { notFound } from "../errors.ts";
import { renderReason } from "../../freshness/reasons.ts";

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
    const incidents = await app.store.incident.findMany({
      where: open === undefined ? {} : open ? { resolvedAt: null } : { resolvedAt: { not: null } },
      orderBy: { openedAt: "desc" },
      take: limit,
      include: { project: { select: { id: true, name: true } } },
    });
    const ids = [...new Set(incidents.flatMap((i) => i.databaseId ?? []))];
    const names = new Map((await app.store.database.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((d) => [d.id, d.name]));
    return incidents.map((i) => ({
      id: i.id,
      project: i.project,
      kind: i.kind,
      reason: renderReason(i.reason, i.resolvedAt ?? new Date()),
      database: i.databaseId ? (names.get(i.databaseId) ?? null) : null,
      openedAt: i.openedAt,
      resolvedAt: i.resolvedAt,
      open: i.resolvedAt === null,
    }));
  });

  app.get(
    "/api/v1/projects/:id/incidents",
    { onRequest: app.requireAdmin, schema: { params: IdParams, querystring: Query, response: { 200: Type.Array(Incident), ...Errors }, tags: ["incidents"] } },
    async (request) => {
      const { id } = request.params;
      const { open, limit = 100 } = request.query;
      const project = await app.store.project.findUnique({ where: { id }, select: { id: true } });
      if (!project) throw notFound(`project ${id}`);
      const incidents = await app.store.incident.findMany({
        where: { projectId: id, ...(open === undefined ? {} : open ? { resolvedAt: null } : { resolvedAt: { not: null } }) },
        orderBy: { openedAt: "desc" },
        take: limit,
      });
      const names = new Map(
        (await app.store.database.findMany({ where: { projectId: id }, select: { id: true, name: true } })).map((d) => [d.id, d.name]),
      );
      return incidents.map((i) => ({
        id: i.id,
        kind: i.kind,
        reason: renderReason(i.reason, i.resolvedAt ?? new Date()),
        database: i.databaseId ? (names.get(i.databaseId) ?? null) : null,
        openedAt: i.openedAt,
        resolvedAt: i.resolvedAt,
        open: i.resolvedAt === null,
      }));
    },
  );
}
