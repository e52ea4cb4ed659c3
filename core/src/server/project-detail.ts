// A project's detail (project-view.ts) as the project and pause routes answer
// it, with the core's settings read at each call: start.ts learns the port,
// and so the public URL, only after listen.
import type { FastifyInstance } from "fastify";
import { notFound } from "./errors.ts";
import { projectDetail } from "./project-view.ts";

/** The body of GET /api/v1/projects/:id; notFound (404) when no project has this id. */
export async function projectDetailOr404(app: Pick<FastifyInstance, "store" | "config" | "secretKey">, id: string) {
  const { config } = app;
  const detail = await projectDetail(app.store, id, { smtpConfigured: config.smtpUrl !== null, operatorEmails: config.alertEmail, secretKey: app.secretKey, s3: config.s3, publicUrl: config.publicUrl, config });
  if (!detail) throw notFound(`project ${id}`);
  return detail;
}
