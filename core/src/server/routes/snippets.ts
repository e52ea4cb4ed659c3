import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors, IdParams, Snippets } from "../schemas.ts";
import { notFound } from "../errors.ts";
import { renderSnippet, SNIPPET_KINDS } from "../../snippets/render.ts";
import { replicaManager } from "../../storage/replica-manager.ts";

const Query = Type.Object(
  { database: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })), service: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);

/** Every sidecar snippet for a project, from its reported databases (or `?database=/path` before the first heartbeat). */
export default async function snippetRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get("/api/v1/projects/:id/snippets", { onRequest: app.requireAdmin, schema: { params: IdParams, querystring: Query, response: { 200: Snippets, ...Errors }, tags: ["projects"] } }, async (request) => {
    const { id } = request.params;
    const { query } = request;
    const project = await app.store.project.findUnique({ where: { id }, include: { databases: { include: { replicas: true }, orderBy: { name: "asc" } } } });
    if (!project) throw notFound(`project ${id}`);
    const databases = project.databases.length ? project.databases.map((d) => d.path) : [query.database ?? "/data/app.sqlite3"];
    // Managed replicas are left out: an agent in managed mode takes its storage from the core (GET /api/v1/agent/config).
    const managed = project.databases.every((d) => d.replicas.every((r) => replicaManager(app.config.s3, project.storagePrefix, r.url) === "borela"));
    const input = {
      projectName: project.name,
      serverUrl: app.config.publicUrl,
      databases,
      replicaUrl: managed ? undefined : project.databases[0]?.replicas[0]?.url,
      serviceName: query.service ?? "app",
      volume: `${query.service ?? "app"}_data:${commonDir(databases)}`,
    };
    try {
      return Object.fromEntries(SNIPPET_KINDS.map((kind) => [kind, renderSnippet(kind, input)]));
    } catch (err) {
      return { error: (err as Error).message };
    }
  });
}

function commonDir(paths: string[]): string {
  const parts = paths.map((p) => p.split("/").slice(0, -1));
  const first = parts[0];
  let i = 0;
  while (i < first.length && parts.every((p) => p[i] === first[i])) i++;
  return first.slice(0, i).join("/") || "/";
}
