// Managed storage of one project, for admins: which source its agent's
// credentials come from (role, attached keys, refused with the reason, off)
// and the per-project keys themselves. Keys are stored encrypted; the API
// only ever shows a hint of the key id. Registered inside the storage
// credentials plugin, so it shares its admin-only hook.
//
//   GET    /api/v1/projects/:id/agent-storage-keys  { source, message, prefix, keys: { accessKeyIdHint, createdAt } | null }
//   PUT    /api/v1/projects/:id/agent-storage-keys  { accessKeyId, secretAccessKey } → 204; 400 for the operator's own key id or secret
//   DELETE /api/v1/projects/:id/agent-storage-keys  → 204
import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { AgentStorageKeysView, Errors, IdParams, NoContent } from "../schemas.ts";
import { badRequest, notFound } from "../errors.ts";
import { assertWellFormed } from "../well-formed.ts";
import { agentKeysProblem, managedSource } from "../../storage/managed-source.ts";
import { agentKeysSummary, saveAgentKeys } from "../../storage/agent-keys.ts";
import { managedUrlPrefix } from "../../storage/managed-replica.ts";

const Body = Type.Object(
  {
    accessKeyId: Type.String({ minLength: 3, maxLength: 200, pattern: "^[\\x21-\\x7e]+$" }),
    secretAccessKey: Type.String({ minLength: 8, maxLength: 500, pattern: "^[\\x21-\\x7e]+$" }),
  },
  { additionalProperties: false },
);

export default async function agentStorageKeyRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  async function requireProject(id: string) {
    const project = await app.store.project.findUnique({ where: { id }, select: { id: true, name: true, storagePrefix: true } });
    if (!project) throw notFound(`project ${id}`);
    return project;
  }
  const path = "/api/v1/projects/:id/agent-storage-keys";

  app.get(path, { schema: { params: IdParams, response: { 200: AgentStorageKeysView, ...Errors }, tags: ["projects"] } }, async (request) => {
    const project = await requireProject(request.params.id);
    const keys = await agentKeysSummary(app.store, app.secretKey, project.id);
    const s3 = app.config.s3;
    const source = managedSource(s3, project, keys !== null);
    const message =
      source.kind === "refused"
        ? source.message
        : source.kind === "off"
          ? "the core has no managed storage (BORELA_S3_BUCKET unset): agents need their own replica (BORELA_REPLICA_URL)"
          : source.kind === "role"
            ? `agents get short-lived credentials from AssumeRole ${source.roleArn}, limited to their prefix${keys ? " (the attached keys are not used while a role is set)" : ""}`
            : "agents use the keys attached to this project";
    return { source: source.kind, message, prefix: s3 ? `${managedUrlPrefix(s3, project.storagePrefix)}/` : null, keys };
  });

  app.put(path, { schema: { params: IdParams, body: Body, response: { 204: NoContent, ...Errors }, tags: ["projects"] } }, async (request, reply) => {
    const { body } = request;
    assertWellFormed(body);
    const project = await requireProject(request.params.id);
    const problem = agentKeysProblem(app.config.s3, body);
    if (problem) throw badRequest(`body/${problem}`);
    await saveAgentKeys(app.store, app.secretKey, project.id, body);
    return reply.code(204).send();
  });

  app.delete(path, { schema: { params: IdParams, response: { 204: NoContent, ...Errors }, tags: ["projects"] } }, async (request, reply) => {
    const project = await requireProject(request.params.id);
    await app.store.agentStorageKey.deleteMany({ where: { projectId: project.id } });
    return reply.code(204).send();
  });
}
