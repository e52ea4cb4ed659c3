import type { FastifyInstance } from "fastify";
import { AgentConfigResponse } from "../../protocol.ts";
import { notFound } from "../errors.ts";
import { scopedCredentials } from "../../storage/scoped-credentials.ts";

export function managedUrlPrefix(bucket: string, storagePrefix: string): string {
  return `s3://${bucket}/${storagePrefix}`;
}

export default async function agentConfigRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/agent/config",
    { onRequest: app.requireAgent, schema: { response: { 200: AgentConfigResponse }, tags: ["agent"] } },
    async (request) => {
      const project = await app.store.project.findUnique({ where: { id: request.agent!.projectId } });
      if (!project) throw notFound("project");
      const s3 = app.config.s3;
      let storage = null;
      if (s3) {
        const creds = await scopedCredentials(s3, project.storagePrefix);
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
