import type { FastifyInstance } from "fastify";
import { Type, type Static, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Prisma } from "../../generated/prisma/client.ts";
import { CheckPolicy } from "../../generated/prisma/enums.ts";
import { newId } from "../../store/ids.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import { CONTROL_FREE } from "../../control.ts";
import { Assertion, CreatedProject, Errors, IdParams, NoContent, ProjectDetail, ProjectListQuery, ProjectName, ProjectPage, ProjectSummary, RetiredDatabase } from "../schemas.ts";
import { projectDetailOr404 } from "../project-detail.ts";
import { listAll, listPage } from "../project-list.ts";
import { decodeCursor } from "../project-page.ts";
import { notModified, weakEtag } from "../etag.ts";
import { issueAgentToken } from "../agent-tokens.ts";
import { cronError, defaultDrillSchedule } from "../../projects/settings.ts";
import { randomBytes } from "node:crypto";
import { retireDatabase } from "../../store/retire.ts";
import { storedReplicaData } from "../stored-replica.ts";
import { managedPrefix } from "../../storage/managed-replica.ts";

const DatabaseParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }), databaseId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);


const Settings = {
  staleAfterSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86400 })),
  heartbeatGraceSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86400 })),
  drillSchedule: Type.Optional(Type.String({ minLength: 9, maxLength: 100 })),
  drillGraceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 90 * 86400 })),
  checkPolicy: Type.Optional(Type.Enum(CheckPolicy)),
  rowDropWarnPercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  assertions: Type.Optional(Type.Array(Assertion, { maxItems: 50 })),
  alertEmails: Type.Optional(Type.Array(Type.String({ format: "email", maxLength: 254 }), { maxItems: 50 })),
};

const CreateProject = Type.Object({ name: ProjectName, ...Settings }, { additionalProperties: false });
const UpdateProject = Type.Object(
  {
    name: Type.Optional(ProjectName),
    ...Settings,
    // The replica the core lists itself when no agent reports (stored-replica.ts); null stops listing.
    replicaUrl: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 2000, pattern: CONTROL_FREE }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

function settingsData(body: Static<typeof UpdateProject>) {
  if (body.drillSchedule !== undefined) {
    const err = cronError(body.drillSchedule);
    if (err) throw badRequest(err);
  }
  const { assertions, alertEmails, replicaUrl: _stored, ...rest } = body;
  return {
    ...rest,
    ...(assertions !== undefined ? { assertions: JSON.stringify(assertions) } : {}),
    ...(alertEmails !== undefined ? { alertEmails: alertEmails.length ? alertEmails.join(",") : null } : {}),
  };
}

function readCursor(text: string) {
  try {
    return decodeCursor(text);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}

function uniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

export default async function projectRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook("onRequest", app.requireAdmin);

  app.post("/api/v1/projects", { schema: { body: CreateProject, response: { 201: CreatedProject, ...Errors }, tags: ["projects"] } }, async (request, reply) => {
    const { body } = request;
    const id = newId();
    try {
      await app.store.project.create({
        data: {
          id,
          ...settingsData(body),
          name: body.name,
          drillSchedule: body.drillSchedule ?? defaultDrillSchedule(id),
          statusReasons: JSON.stringify(["no heartbeat received yet"]),
          badgeKey: randomBytes(18).toString("base64url"),
          pingKey: randomBytes(18).toString("base64url"),
          storagePrefix: managedPrefix({ name: body.name, id }),
        },
      });
    } catch (err) {
      if (uniqueViolation(err)) throw conflict(`a project named ${JSON.stringify(body.name)} already exists`);
      throw err;
    }
    const token = await issueAgentToken(app.store, id);
    return reply.code(201).send({ id, name: body.name, agentToken: token.agentToken, tokenId: token.id });
  });

  app.get(
    "/api/v1/projects",
    {
      schema: {
        querystring: ProjectListQuery,
        response: { 200: Type.Union([ProjectPage, Type.Array(ProjectSummary)]), 304: NoContent, ...Errors },
        tags: ["projects"],
      },
    },
    async (request, reply) => {
      const { limit, cursor, status, q } = request.query;
      const filters = { status: status ? status.split(",") : [], q: q ?? null };
      const body =
        limit === undefined && cursor === undefined
          ? await listAll(app.store, filters)
          : await listPage(app.store, { ...filters, limit: limit ?? 100, cursor: cursor === undefined ? null : readCursor(cursor) }, app.projectOrder);
      const etag = weakEtag(body);
      reply.header("etag", etag).header("cache-control", "no-cache");
      if (notModified(request.headers["if-none-match"], etag)) return reply.code(304).send();
      return body;
    },
  );
  app.get("/api/v1/projects/:id", { schema: { params: IdParams, response: { 200: ProjectDetail, ...Errors }, tags: ["projects"] } }, async (request) => {
    const { id } = request.params;
    return projectDetailOr404(app, id);
  });

  app.patch("/api/v1/projects/:id", { schema: { params: IdParams, body: UpdateProject, response: { 200: ProjectDetail, ...Errors }, tags: ["projects"] } }, async (request) => {
    const { id } = request.params;
    const { body } = request;
    try {
      const stored = body.replicaUrl !== undefined ? await storedReplicaData(app.store, app.config, id, body.replicaUrl) : {};
      await app.store.project.update({ where: { id }, data: { ...settingsData(body), ...stored } });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025") throw notFound(`project ${id}`);
      if (uniqueViolation(err)) throw conflict(`a project named ${JSON.stringify(body.name)} already exists`);
      throw err;
    }
    app.sweeper.evaluate(id);
    return projectDetailOr404(app, id);
  });

  // A new ping key: the old ping URL answers 404 at once (a leaked litestream.yml can no longer keep the
  // project fresh). The key is stored in plain text, like the badge key: it must be shown again in the detail.
  app.post("/api/v1/projects/:id/ping-key", { schema: { params: IdParams, response: { 200: ProjectDetail, ...Errors }, tags: ["projects"] } }, async (request) => {
    const { id } = request.params;
    const { count } = await app.store.project.updateMany({ where: { id }, data: { pingKey: randomBytes(18).toString("base64url") } });
    if (count === 0) throw notFound(`project ${id}`);
    return projectDetailOr404(app, id);
  });

  app.delete("/api/v1/projects/:id", { schema: { params: IdParams, response: { 204: NoContent, ...Errors }, tags: ["projects"] } }, async (request, reply) => {
    const { id } = request.params;
    const { count } = await app.store.project.deleteMany({ where: { id } });
    if (count === 0) throw notFound(`project ${id}`);
    await app.store.setting.deleteMany({ where: { key: { in: [`first-drill:${id}`, `drill-schedule:${id}`] } } });
    return reply.code(204).send();
  });

  /** Retires a database the agent no longer reports: it leaves the project's status; see store/retire.ts for what else goes. */
  app.delete("/api/v1/projects/:id/databases/:databaseId", { schema: { params: DatabaseParams, response: { 200: RetiredDatabase, ...Errors }, tags: ["projects"] } }, async (request) => {
    const { id, databaseId } = request.params;
    const project = await app.store.project.findUnique({ where: { id }, select: { id: true } });
    if (!project) throw notFound(`project ${id}`);
    const retired = await retireDatabase(app.store, id, databaseId);
    if (!retired) throw notFound(`database ${databaseId} in project ${id}`);
    app.sweeper.evaluate(id);
    await app.sweeper.idle();
    return { retired };
  });
}
