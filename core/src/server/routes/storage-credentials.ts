// Read credentials for a project's bring-your-own S3 replica, so drills can
// restore it from the core. Stored encrypted (BORELA_SECRET_KEY); the API only
// ever shows a hint of the key id.
import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors, IdParams, NoContent, StorageCredentialView } from "../schemas.ts";
import { badRequest, notFound } from "../errors.ts";
import { assertWellFormed } from "../well-formed.ts";
import { newId } from "../../store/ids.ts";
import { decryptSecret, encryptSecret } from "../../store/secrets.ts";
import agentStorageKeyRoutes from "./agent-storage-keys.ts";
import { drillAfterCredentials } from "../../drills/credentials-drill.ts";
import { credentialsBucketProblem } from "../../drills/credentials-bucket.ts";
import { inManagedPrefix } from "../../storage/managed-replica.ts";

const Body = Type.Object(
  {
    accessKeyId: Type.String({ minLength: 3, maxLength: 200 }),
    secretAccessKey: Type.String({ minLength: 8, maxLength: 500 }),
    endpoint: Type.Optional(Type.String({ format: "uri", maxLength: 500 })),
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    bucket: Type.String({ minLength: 3, maxLength: 63 }),
  },
  { additionalProperties: false },
);

export default async function storageCredentialRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook("onRequest", app.requireAdmin);
  // The managed-mode keys of a project's agent: a separate record (see agent-storage-keys.ts), same admin-only hook.
  await app.register(agentStorageKeyRoutes);

  async function requireProject(id: string) {
    if (!(await app.store.project.findUnique({ where: { id }, select: { id: true } }))) throw notFound(`project ${id}`);
  }

  app.put("/api/v1/projects/:id/storage-credentials", { schema: { params: IdParams, body: Body, response: { 204: NoContent, ...Errors }, tags: ["projects"] } }, async (request, reply) => {
    const { id } = request.params;
    const { body } = request;
    assertWellFormed(body);
    const known = await app.store.project.findUnique({
      where: { id },
      select: { status: true, storagePrefix: true, replicaUrl: true, databases: { select: { replicas: { select: { url: true } } } } },
    });
    if (!known) throw notFound(`project ${id}`);
    const urls = [...known.databases.flatMap((d) => d.replicas.map((r) => r.url)), ...(known.replicaUrl ? [known.replicaUrl] : [])];
    const problem = credentialsBucketProblem(body.bucket, urls, (target) => inManagedPrefix(app.config.s3 ?? null, known.storagePrefix, target));
    if (problem) throw badRequest(problem);
    await app.store.$transaction([
      app.store.storageCredential.deleteMany({ where: { projectId: id } }),
      app.store.storageCredential.create({
        data: {
          id: newId(),
          projectId: id,
          bucket: body.bucket,
          endpoint: body.endpoint ?? null,
          region: body.region ?? "us-east-1",
          accessKeyIdEnc: encryptSecret(app.secretKey, body.accessKeyId),
          secretKeyEnc: encryptSecret(app.secretKey, body.secretAccessKey),
        },
      }),
    ]);
    // A fresh project never drilled because the core could not read its replica yet gets its first drill now,
    // not at its next scheduled one (a tester: the README's order, agent first and credentials after, waited days).
    app.drills.onProjectStatus(id, known.status);
    // Each database drilled before is drilled again with these: wrong keys fixed, or good ones swapped for wrong ones, show now.
    const ids = await drillAfterCredentials(app.store, app.drills.enqueue, id);
    if (ids.length > 0) request.log.info({ projectId: id, drills: ids }, "drills queued: read credentials stored");
    return reply.code(204).send();
  });

  app.get("/api/v1/projects/:id/storage-credentials", { schema: { params: IdParams, response: { 200: StorageCredentialView, ...Errors }, tags: ["projects"] } }, async (request) => {
    const { id } = request.params;
    await requireProject(id);
    const row = await app.store.storageCredential.findFirst({ where: { projectId: id } });
    if (!row) return { configured: false };
    const keyId = decryptSecret(app.secretKey, row.accessKeyIdEnc);
    return { configured: true, bucket: row.bucket, endpoint: row.endpoint, region: row.region, accessKeyIdHint: `${keyId.slice(0, 4)}…${keyId.slice(-2)}`, createdAt: row.createdAt };
  });

  app.delete("/api/v1/projects/:id/storage-credentials", { schema: { params: IdParams, response: { 204: NoContent, ...Errors }, tags: ["projects"] } }, async (request, reply) => {
    const { id } = request.params;
    await requireProject(id);
    await app.store.storageCredential.deleteMany({ where: { projectId: id } });
    return reply.code(204).send();
  });
}
