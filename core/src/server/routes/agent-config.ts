// What an agent in managed mode gets from the core: its project's prefix in the
// operator's bucket and credentials that reach only that prefix. The operator's
// own keys never leave the core (storage/managed-credentials.ts decides): without a role
// to assume and without keys an admin attached to the project, the answer is a
// 409 whose message says what the operator must do; the agent reports it.
// Each token's assumed credentials are reused until shortly before they expire
// (storage/credential-cache.ts), and each token may call a limited number of times
// (AGENT_CONFIG_BUDGET; an agent calls at start and every 10 minutes or before expiry):
// past it, 429 with Retry-After, before the store or STS is touched.
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors } from "../schemas.ts";
import { AgentConfigResponse } from "../../protocol.ts";
import { ApiError, notFound } from "../errors.ts";
import { managedCredentials } from "../../storage/managed-credentials.ts";
import { managedUrlPrefix } from "../../storage/managed-replica.ts";
import { assumeRoleCredentials } from "../../storage/scoped-credentials.ts";
import { credentialCacheKey, ScopedCredentialCache } from "../../storage/credential-cache.ts";
import { RequestBudget, type BudgetRule } from "../request-budget.ts";
import type { S3Settings } from "../../config.ts";

/** Per agent token: 20 calls at once, then one a minute (an agent needs about 6 an hour). */
export const AGENT_CONFIG_BUDGET: BudgetRule = { burst: 20, refillMs: 60_000 };

export default async function agentConfigRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const budget = new RequestBudget(AGENT_CONFIG_BUDGET);
  const cache = new ScopedCredentialCache();
  app.get(
    "/api/v1/agent/config",
    { onRequest: app.requireAgent, schema: { response: { 200: AgentConfigResponse, ...Errors }, tags: ["agent"] } },
    async (request, reply) => {
      const agent = request.agent!;
      const waitMs = budget.take(agent.tokenId, Date.now());
      if (waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        reply.header("retry-after", seconds);
        throw new ApiError(429, "too_many_requests", `too many agent config requests with this agent token; try again in ${seconds} s`);
      }
      const project = await app.store.project.findUnique({ where: { id: agent.projectId } });
      if (!project) throw notFound("project");
      const s3 = app.config.s3;
      const assume = (settings: S3Settings, prefix: string) =>
        cache.get(credentialCacheKey(project.id, agent.tokenId, settings, prefix), Date.now(), () => assumeRoleCredentials(settings, prefix));
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
