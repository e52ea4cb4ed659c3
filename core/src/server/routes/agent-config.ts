// What an agent in managed mode gets from the core: its project's prefix in the
// operator's bucket and credentials that reach only that prefix. The operator's
// own keys never leave the core (storage/managed-credentials.ts decides): without a role
// to assume and without keys an admin attached to the project, the answer is a
// 409 whose message says what the operator must do; the agent reports it.
// Each token's assumed credentials are reused until shortly before they expire, by every core
// on the store (storage/credential-cache.ts in memory, storage/shared-credentials.ts in the store), and each token may call a limited number of times, counted
// across every core (agent-config-budget.ts): past it, 429 with Retry-After, before the store
// or STS is touched.
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors } from "../schemas.ts";
import { AgentConfigResponse } from "../../protocol.ts";
import { ApiError, notFound } from "../errors.ts";
import { managedCredentials } from "../../storage/managed-credentials.ts";
import { managedUrlPrefix } from "../../storage/managed-replica.ts";
import { assumeRoleCredentials } from "../../storage/scoped-credentials.ts";
import { credentialCacheKey, ScopedCredentialCache } from "../../storage/credential-cache.ts";
import { sharedCredentials } from "../../storage/shared-credentials.ts";
import { AGENT_CONFIG_BUDGET, agentConfigKey, agentConfigWait } from "../agent-config-budget.ts";
import type { S3Settings } from "../../config.ts";

export default async function agentConfigRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const cache = new ScopedCredentialCache();
  app.get(
    "/api/v1/agent/config",
    { onRequest: app.requireAgent, schema: { response: { 200: AgentConfigResponse, ...Errors }, tags: ["agent"] } },
    async (request, reply) => {
      const agent = request.agent!;
      const waitMs = agentConfigWait(await app.authWindows.add(agentConfigKey(agent.tokenId), AGENT_CONFIG_BUDGET.windowMs));
      if (waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        reply.header("retry-after", seconds);
        throw new ApiError(429, "too_many_requests", `too many agent config requests with this agent token; try again in ${seconds} s`);
      }
      const project = await app.store.project.findUnique({ where: { id: agent.projectId } });
      if (!project) throw notFound("project");
      const s3 = app.config.s3;
      const assume = (settings: S3Settings, prefix: string) => {
        const key = credentialCacheKey(project.id, agent.tokenId, settings, prefix);
        return cache.get(key, Date.now(), () => sharedCredentials(app.store, app.secretKey, key, Date.now(), () => assumeRoleCredentials(settings, prefix)));
      };
      const managed = await managedCredentials(app.store, app.secretKey, s3, project, assume);
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
