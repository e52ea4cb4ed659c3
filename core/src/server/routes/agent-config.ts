// What an agent in managed mode gets from the core: its project's prefix in the
// operator's bucket and credentials that reach only that prefix. The operator's
// own keys never leave the core (storage/managed-credentials.ts decides): without a role
// to assume and without keys an admin attached to the project, the answer is a
// 409 whose message says what the operator must do; the agent reports it.
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors } from "../schemas.ts";
import { AgentConfigResponse } from "../../protocol.ts";
import { ApiError, notFound } from "../errors.ts";
import { managedCredentials } from "../../storage/managed-credentials.ts";
import { managedUrlPrefix } from "../../storage/managed-replica.ts";

export default async function agentConfigRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    "/api/v1/agent/config",
    { onRequest: app.requireAgent, schema: { response: { 200: AgentConfigResponse, ...Errors }, tags: ["agent"] } },
    async (request) => {
      const project = await app.store.project.findUnique({ where: { id: request.agent!.projectId } });
      if (!project) throw notFound("project");
      const s3 = app.config.s3;
      const managed = await managedCredentials(app.store, app.secretKey, s3, project);
      if (managed.kind === "refused") throw new ApiError(409, "managed_storage_refused", managed.message);
      if (managed.kind === "unavailable") {
        request.log.warn({ project: project.id, reason: managed.reason }, "AssumeRole failed");
        throw new ApiError(503, "storage_unavailable", managed.message);
      }
      let storage = null;
      if (s3 && managed.kind === "ok") {
        const creds = managed.credentials;
        storage = {
          urlPrefix: managedUrlPrefix(s3, project.storagePrefix),
          endpoint: s3.endpoint,
          region: s3.region,
          forcePathStyle: s3.forcePathStyle,
          accessKeyId: creds.accessKeyId,
          secretAccessKey: creds.secretAccessKey,
          sessionToken: creds.sessionToken,
          expiresAt: creds.expiresAt ? creds.expiresAt.toISOString() : null,
        };
      }
      return {
        projectId: project.id,
        projectName: project.name,
        heartbeatIntervalSeconds: Math.max(5, Math.min(30, Math.floor(project.heartbeatGraceSeconds / 4))),
        storage,
      };
    },
  );
}
