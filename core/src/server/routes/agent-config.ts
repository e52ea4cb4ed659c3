// What an agent in managed mode gets from the core: its project's prefix in the
// operator's bucket and credentials that reach only that prefix. The operator's
// own keys never leave the core (see storage/managed-source.ts): without a role
// to assume and without keys an admin attached to the project, the answer is a
// 409 whose message says what the operator must do; the agent reports it.
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors } from "../schemas.ts";
import { AgentConfigResponse } from "../../protocol.ts";
import { ApiError, notFound } from "../errors.ts";
import { assumeRoleCredentials, type ReplicaCredentials } from "../../storage/scoped-credentials.ts";
import { managedSource } from "../../storage/managed-source.ts";
import { readAgentKeys } from "../../storage/agent-keys.ts";

export function managedUrlPrefix(bucket: string, storagePrefix: string): string {
  return `s3://${bucket}/${storagePrefix}`;
}

export default async function agentConfigRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    "/api/v1/agent/config",
    { onRequest: app.requireAgent, schema: { response: { 200: AgentConfigResponse, ...Errors }, tags: ["agent"] } },
    async (request) => {
      const project = await app.store.project.findUnique({ where: { id: request.agent!.projectId } });
      if (!project) throw notFound("project");
      const s3 = app.config.s3;
      const agentKeys = s3 && !s3.roleArn ? await readAgentKeys(app.store, app.secretKey, project.id) : null;
      const source = managedSource(s3, project, agentKeys !== null);
      let storage = null;
      if (s3 && source.kind !== "off") {
        let creds: ReplicaCredentials;
        if (source.kind === "refused") throw new ApiError(409, "managed_storage_refused", source.message);
        if (source.kind === "role") {
          try {
            creds = await assumeRoleCredentials(s3, project.storagePrefix);
          } catch (err) {
            request.log.warn({ project: project.id, reason: (err as Error).message }, "AssumeRole failed");
            throw new ApiError(503, "storage_unavailable", `cannot get scoped credentials: AssumeRole ${source.roleArn} failed: ${(err as Error).message}`);
          }
        } else {
          creds = { ...agentKeys!, sessionToken: null, expiresAt: null };
        }
        storage = {
          urlPrefix: managedUrlPrefix(s3.bucket, project.storagePrefix),
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
