// Restores for `borela restore` through the API (admin). The core reads the
// replica with the credentials it holds — they never leave it — runs the
// drill's pre-checks, restores, and sends the file:
//   POST   /api/v1/projects/:id/restores {database?, timestamp?, force?}  202 {id, project, database}
//   GET    /api/v1/restores/:id       {id, status: running|ready|refused|failed, steps, error, outcome}
//   GET    /api/v1/restores/:id/file  the restored database (application/octet-stream, Content-Length);
//                                     removed once sent; 409 while not ready
//   DELETE /api/v1/restores/:id       drop it early
import type { FastifyInstance } from "fastify";
import { createReadStream } from "node:fs";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors, IdParams, NoContent, Raw, RestoreJobView } from "../schemas.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import { chooseDatabase, RestoreRequestError } from "../../drills/restore-database.ts";
import { createRestoreJobs, type RestoreJob } from "../../drills/restore-jobs.ts";

const Body = Type.Object(
  {
    database: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    timestamp: Type.Optional(Type.String({ format: "date-time" })),
    force: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const view = (job: RestoreJob) => {
  const outcome = job.outcome && { replica: job.outcome.replica, generation: job.outcome.generation, txid: job.outcome.txid, restorePoint: job.outcome.restorePoint, bytes: job.outcome.bytes, restoreSeconds: job.outcome.restoreSeconds };
  return { id: job.id, project: job.project, database: job.database, status: job.status, steps: job.steps, error: job.error, outcome };
};

export default async function restoreRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook("onRequest", app.requireAdmin);
  const jobs = createRestoreJobs({ store: app.store, config: app.config, logger: app.log });
  app.addHook("onClose", () => jobs.close());

  app.post("/api/v1/projects/:id/restores", { schema: { params: IdParams, body: Type.Optional(Body), response: { 202: RestoreJobView, ...Errors }, tags: ["restores"] } }, async (request, reply) => {
    const { id } = request.params;
    const body = request.body ?? {};
    const project = await app.store.project.findUnique({ where: { id } });
    if (!project) throw notFound(`project ${id}`);
    const timestamp = body.timestamp ? new Date(body.timestamp) : undefined;
    if (timestamp && timestamp.getTime() > Date.now()) throw badRequest(`timestamp ${body.timestamp} is in the future`);
    let database;
    try {
      database = await chooseDatabase(app.store, project, body.database);
    } catch (err) {
      if (err instanceof RestoreRequestError) throw badRequest(err.message);
      throw err;
    }
    const job = jobs.start(project, database, { timestamp, force: body.force });
    return reply.code(202).send(view(job));
  });

  app.get("/api/v1/restores/:id", { schema: { params: IdParams, response: { 200: RestoreJobView, ...Errors }, tags: ["restores"] } }, async (request) => {
    const job = jobs.get(request.params.id);
    if (!job) throw notFound("restore");
    return view(job);
  });

  app.get("/api/v1/restores/:id/file", { schema: { params: IdParams, response: { 200: Raw("application/octet-stream", "the restored SQLite database"), ...Errors }, tags: ["restores"] } }, async (request, reply) => {
    const { id } = request.params;
    const job = jobs.get(id);
    if (!job) throw notFound("restore");
    if (job.status !== "ready" || !job.file || !job.outcome) throw conflict(`restore ${id} is ${job.status}${job.error ? `: ${job.error}` : ""}`);
    const stream = createReadStream(job.file);
    reply.raw.once("finish", () => void jobs.remove(id));
    reply.raw.once("close", () => stream.destroy());
    return reply
      .header("content-type", "application/octet-stream")
      .header("content-length", String(job.outcome.bytes))
      .header("content-disposition", `attachment; filename="${job.database}.sqlite3"`)
      .send(stream);
  });

  app.delete("/api/v1/restores/:id", { schema: { params: IdParams, response: { 204: NoContent, ...Errors }, tags: ["restores"] } }, async (request, reply) => {
    const { id } = request.params;
    if (!jobs.get(id)) throw notFound("restore");
    await jobs.remove(id);
    return reply.code(204).send();
  });
}
