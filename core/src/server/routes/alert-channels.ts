import type { FastifyInstance } from "fastify";
import { Type, type Static } from "@sinclair/typebox";
import { IdParams } from "../schemas.ts";
import { badRequest, notFound } from "../errors.ts";
import { newId } from "../../store/ids.ts";
import { decryptSecret, encryptSecret } from "../../store/secrets.ts";
import { send, type ChannelType } from "../../alerts/channels.ts";
import type { AlertContext } from "../../alerts/message.ts";

const ChannelBody = Type.Object(
  {
    projectId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
    type: Type.Union([Type.Literal("email"), Type.Literal("webhook"), Type.Literal("slack"), Type.Literal("discord")]),
    target: Type.String({ minLength: 3, maxLength: 2000 }),
    /** Webhook signing secret; stored encrypted, never shown again. */
    secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object({ projectId: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false });
const EMAIL = /^[^\s@,]+@[^\s@,]+$/;

function validateTarget(type: ChannelType, target: string): string {
  if (type === "email") {
    const addresses = target.split(",").map((a) => a.trim()).filter(Boolean);
    const bad = addresses.find((a) => !EMAIL.test(a));
    if (addresses.length === 0 || bad) throw badRequest(`target ${JSON.stringify(bad ?? target)} is not an email address`);
    return addresses.join(",");
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw badRequest(`target ${JSON.stringify(target)} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw badRequest(`target ${JSON.stringify(target)} must be an http(s) URL`);
  return url.toString();
}

function view(c: { id: string; projectId: string | null; type: string; target: string; secretEnc: string | null; createdAt: Date }) {
  return { id: c.id, projectId: c.projectId, type: c.type, target: c.target, signed: c.secretEnc !== null, createdAt: c.createdAt };
}

export default async function alertChannelRoutes(app: FastifyInstance) {
  app.addHook("onRequest", app.requireAdmin);

  app.get("/api/v1/alert-channels", { schema: { querystring: ListQuery, tags: ["alerts"] } }, async (request) => {
    const { projectId } = request.query as Static<typeof ListQuery>;
    const rows = await app.store.alertChannel.findMany({ where: projectId ? { projectId } : {}, orderBy: { createdAt: "asc" } });
    return rows.map(view);
  });

  app.post("/api/v1/alert-channels", { schema: { body: ChannelBody, tags: ["alerts"] } }, async (request, reply) => {
    const body = request.body as Static<typeof ChannelBody>;
    if (body.projectId && !(await app.store.project.findUnique({ where: { id: body.projectId }, select: { id: true } }))) {
      throw notFound(`project ${body.projectId}`);
    }
    if (body.secret && body.type === "email") throw badRequest("secret is for webhooks; email channels have none");
    const row = await app.store.alertChannel.create({
      data: {
        id: newId(),
        projectId: body.projectId ?? null,
        type: body.type,
        target: validateTarget(body.type, body.target),
        secretEnc: body.secret ? encryptSecret(app.secretKey, body.secret) : null,
      },
    });
    return reply.code(201).send(view(row));
  });

  app.delete("/api/v1/alert-channels/:id", { schema: { params: IdParams, tags: ["alerts"] } }, async (request, reply) => {
    const { id } = request.params as Static<typeof IdParams>;
    const { count } = await app.store.alertChannel.deleteMany({ where: { id } });
    if (count === 0) throw notFound(`alert channel ${id}`);
    return reply.code(204).send();
  });

  app.post("/api/v1/alert-channels/:id/test", { schema: { params: IdParams, tags: ["alerts"] } }, async (request, reply) => {
    const { id } = request.params as Static<typeof IdParams>;
    const row = await app.store.alertChannel.findUnique({ where: { id }, include: { project: true } });
    if (!row) throw notFound(`alert channel ${id}`);
    const now = new Date();
    const context: AlertContext = {
      event: "test",
      project: { id: row.project?.id ?? "operator", name: row.project?.name ?? "all projects" },
      database: null,
      kind: "test",
      reason: "a test message sent from the Borela dashboard or API",
      openedAt: now,
      resolvedAt: null,
      lastBackupAt: null,
      lastPassingDrillAt: null,
      restoreCommands: ["npx borela restore <project> --database <name> -o /tmp/restored.sqlite3"],
      dashboardUrl: `${app.config.publicUrl}/`,
      now,
    };
    try {
      const detail = await send(
        { id: row.id, type: row.type as ChannelType, target: row.target, secret: row.secretEnc ? decryptSecret(app.secretKey, row.secretEnc) : null },
        context,
        { smtpUrl: app.config.smtpUrl, mailFrom: app.config.mailFrom, timeoutMs: 10_000 },
      );
      return { ok: true, detail };
    } catch (err) {
      return reply.code(502).send({ error: "delivery_failed", message: (err as Error).message });
    }
  });

  app.get("/api/v1/incidents/:id/deliveries", { schema: { params: IdParams, tags: ["alerts"] } }, async (request) => {
    const { id } = request.params as Static<typeof IdParams>;
    const incident = await app.store.incident.findUnique({ where: { id }, include: { deliveries: { orderBy: { createdAt: "asc" }, include: { channel: true } } } });
    if (!incident) throw notFound(`incident ${id}`);
    return incident.deliveries.map((d) => ({
      id: d.id,
      event: d.event,
      channel: d.channel ? { id: d.channel.id, type: d.channel.type, target: d.channel.target } : { id: null, type: "email", target: d.dedupeKey.split(":").slice(2, -2).join(":") },
      status: d.status,
      attempts: d.attempts,
      sentAt: d.sentAt,
      lastError: d.lastError,
      log: JSON.parse(d.log),
    }));
  });
}
