// Alert channels (email, webhook, chat, push and pager providers:
// alerts/channels/registry.ts) per project or for the operator (projectId
// null), a test send that reports the SMTP/HTTP answer, and each incident's
// delivery log.
import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { AlertChannel, CheckResult, Delivery, Errors, IdParams, NoContent } from "../schemas.ts";
import { badRequest, notFound } from "../errors.ts";
import { newId } from "../../store/ids.ts";
import { encryptSecret } from "../../store/secrets.ts";
import { CHANNEL_TYPES, send, type ChannelType } from "../../alerts/channels.ts";
import { parseLog } from "../../alerts/attempt.ts";
import { parseDeliveryKey } from "../../alerts/delivery-key.ts";
import { testAlertContext } from "../../alerts/test-message.ts";
import { PROVIDERS } from "../../alerts/channels/registry.ts";
import { ChannelFieldError } from "../../alerts/channels/provider.ts";
import { openSecret, openTarget, sealTarget, shownTarget } from "../../alerts/channels/sealed-target.ts";
import { trimmedSecret } from "../../alerts/channels/secret-rules.ts";
import { assertWellFormed } from "../well-formed.ts";
import { bindClosesOfDeletedChannel } from "../../alerts/pager-closes.ts";

const TypeField = Type.Union(CHANNEL_TYPES.map((t) => Type.Literal(t)));
const Target = Type.String({
  minLength: 3,
  maxLength: 2000,
  description: `per type: ${CHANNEL_TYPES.map((t) => `${t}: ${PROVIDERS[t].targetHelp}`).join(" ")}`,
});
const Secret = Type.String({
  minLength: 8,
  maxLength: 1000,
  description: `stored encrypted, never shown again; per type: ${CHANNEL_TYPES.filter((t) => PROVIDERS[t].secret).map((t) => `${t}: ${PROVIDERS[t].secret!.help}`).join("; ")}`,
});

const CreateBody = Type.Object(
  {
    projectId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], { description: "omit or null for an operator-level channel" })),
    type: TypeField,
    target: Target,
    secret: Type.Optional(Secret),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  { type: Type.Optional(TypeField), target: Type.Optional(Target), secret: Type.Optional(Type.Union([Secret, Type.Null()], { description: "null removes it" })) },
  { additionalProperties: false, minProperties: 1 },
);
const ListQuery = Type.Object(
  { projectId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "a project's channels, or \"operator\" for the operator-level ones" })) },
  { additionalProperties: false },
);
/** The target as the provider stores it; 400 naming the field. allowPrivate: BORELA_ALERT_ALLOW_PRIVATE_TARGETS (names are checked again at every send). */
function validTarget(type: ChannelType, target: string, allowPrivate: boolean): string {
  try {
    return PROVIDERS[type].checkTarget(target, allowPrivate);
  } catch (err) {
    if (err instanceof ChannelFieldError) throw badRequest(err.message);
    throw err;
  }
}

/**
 * secret: the one given (null removes it, undefined keeps the stored one); `stored` whether the row has one.
 * Returns the secret to store: trimmed, checked (secret-rules.ts); 400 naming the field.
 */
function checkSecret<S extends string | null | undefined>(type: ChannelType, given: S, stored = false): S {
  const rule = PROVIDERS[type].secret;
  let secret = given;
  try {
    if (given) secret = trimmedSecret(given, rule) as S;
  } catch (err) {
    if (err instanceof ChannelFieldError) throw badRequest(err.message);
    throw err;
  }
  if (!rule) {
    if (secret) throw badRequest(`secret: ${type} channels take none (a secret signs generic webhooks, or holds an ntfy, Gotify or Matrix token)`);
    if (secret === undefined && stored) throw badRequest(`${type} channels have no secret: send "secret": null to remove it`);
    return secret;
  }
  if (secret && rule.minLength && secret.length < rule.minLength) throw badRequest(`secret must be at least ${rule.minLength} characters for a ${type} channel`);
  const present = secret ? true : secret === undefined && stored;
  if (rule.required && !present) throw badRequest(`secret is required for a ${type} channel: ${rule.help}`);
  return secret;
}

interface ChannelRow {
  id: string;
  projectId: string | null;
  type: string;
  target: string;
  secretEnc: string | null;
  createdAt: Date;
}

function view(key: Buffer, c: ChannelRow) {
  return { id: c.id, projectId: c.projectId, type: c.type, target: shownTarget(key, c.type, c.target), signed: c.secretEnc !== null, createdAt: c.createdAt };
}

export default async function alertChannelRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook("onRequest", app.requireAdmin);

  /**
   * The stored target checked again for `type` on PATCH; 400 when it cannot be decrypted or does not suit the
   * new type. The message shows the stored target only in its display form: it may be a secret.
   */
  function storedTargetFor(type: ChannelType, row: ChannelRow): string {
    let target: string;
    try {
      target = openTarget(app.secretKey, row.target);
    } catch (err) {
      throw badRequest(`target: ${(err as Error).message}; or send a new target`);
    }
    try {
      return PROVIDERS[type].checkTarget(target, app.config.alertAllowPrivateTargets);
    } catch (err) {
      if (!(err instanceof ChannelFieldError)) throw err;
      throw badRequest(`target: the stored target (${shownTarget(app.secretKey, row.type, row.target)}) does not suit a ${type} channel: send a new target with the type`);
    }
  }

  /** A stored secret checked against `type`'s rule on a type change; 400 naming secret (never showing it). */
  function storedSecretFor(type: ChannelType, secretEnc: string): void {
    let stored: string;
    try {
      stored = openSecret(app.secretKey, secretEnc);
    } catch (err) {
      throw badRequest(`secret: ${(err as Error).message}`);
    }
    try {
      checkSecret(type, stored);
    } catch (err) {
      throw badRequest(`secret: the stored secret does not suit a ${type} channel (${(err as Error).message}): send a new secret, or "secret": null, with the type`);
    }
  }

  /** A delivery's recorded display target (sealed at rest: pager-closes.ts usedColumns); "…" when it cannot be decrypted. */
  function shownUsed(stored: string): string {
    try {
      return openTarget(app.secretKey, stored);
    } catch {
      return "…";
    }
  }

  async function channelOr404(id: string) {
    const row = await app.store.alertChannel.findUnique({ where: { id } });
    if (!row) throw notFound(`alert channel ${id}`);
    return row;
  }

  app.get("/api/v1/alert-channels", { schema: { querystring: ListQuery, response: { 200: Type.Array(AlertChannel), ...Errors }, tags: ["alerts"] } }, async (request) => {
    const { projectId } = request.query;
    if (projectId !== undefined && projectId !== "operator" && !(await app.store.project.findUnique({ where: { id: projectId }, select: { id: true } }))) {
      throw notFound(`projectId: project ${projectId}`);
    }
    const where = projectId === undefined ? {} : { projectId: projectId === "operator" ? null : projectId };
    const rows = await app.store.alertChannel.findMany({ where, orderBy: { id: "asc" } });
    return rows.map((r) => view(app.secretKey, r));
  });

  app.get("/api/v1/alert-channels/:id", { schema: { params: IdParams, response: { 200: AlertChannel, ...Errors }, tags: ["alerts"] } }, async (request) => {
    return view(app.secretKey, await channelOr404(request.params.id));
  });

  app.post("/api/v1/alert-channels", { schema: { body: CreateBody, response: { 201: AlertChannel, ...Errors }, tags: ["alerts"] } }, async (request, reply) => {
    const { body } = request;
    assertWellFormed(body);
    if (body.projectId && !(await app.store.project.findUnique({ where: { id: body.projectId }, select: { id: true } }))) {
      throw notFound(`project ${body.projectId}`);
    }
    const secret = checkSecret(body.type, body.secret);
    const row = await app.store.alertChannel.create({
      data: {
        id: newId(),
        projectId: body.projectId ?? null,
        type: body.type,
        target: sealTarget(app.secretKey, body.type, validTarget(body.type, body.target, app.config.alertAllowPrivateTargets)),
        secretEnc: secret ? encryptSecret(app.secretKey, secret) : null,
      },
    });
    return reply.code(201).send(view(app.secretKey, row));
  });

  app.patch("/api/v1/alert-channels/:id", { schema: { params: IdParams, body: UpdateBody, response: { 200: AlertChannel, ...Errors }, tags: ["alerts"] } }, async (request) => {
    const { id } = request.params;
    const { body } = request;
    assertWellFormed(body);
    const row = await channelOr404(id);
    const type = body.type ?? (row.type as ChannelType);
    const retyped = type !== row.type;
    // A target is secret or not by its type (a Slack URL is a credential, a Gotify server URL is not): a new
    // type takes a new target, and a kept secret must suit the new type's rule.
    if (retyped && body.target === undefined) {
      throw badRequest(`target: required when the type changes: the stored target (${shownTarget(app.secretKey, row.type, row.target)}) is a ${row.type} channel's; send the ${type} target with the type`);
    }
    if (retyped && body.secret === undefined && row.secretEnc) storedSecretFor(type, row.secretEnc);
    const secret = checkSecret(type, body.secret, row.secretEnc !== null);
    const target = body.target === undefined ? storedTargetFor(type, row) : validTarget(type, body.target, app.config.alertAllowPrivateTargets);
    const updated = await app.store.alertChannel.update({
      where: { id },
      data: {
        type,
        target: sealTarget(app.secretKey, type, target),
        ...(secret !== undefined ? { secretEnc: secret ? encryptSecret(app.secretKey, secret) : null } : {}),
      },
    });
    return view(app.secretKey, updated);
  });

  app.delete("/api/v1/alert-channels/:id", { schema: { params: IdParams, response: { 204: NoContent, ...Errors }, tags: ["alerts"] } }, async (request, reply) => {
    const { id } = request.params;
    // A pager's open alerts still close (its deliveries go with the row): closes bound to where each was raised.
    await bindClosesOfDeletedChannel(app.store, app.secretKey, id, new Date());
    const { count } = await app.store.alertChannel.deleteMany({ where: { id } });
    if (count === 0) throw notFound(`alert channel ${id}`);
    return reply.code(204).send();
  });

  app.post("/api/v1/alert-channels/:id/test", { schema: { params: IdParams, response: { 200: CheckResult, ...Errors }, tags: ["alerts"] } }, async (request, reply) => {
    const { id } = request.params;
    const row = await app.store.alertChannel.findUnique({ where: { id }, include: { project: { select: { id: true, name: true } } } });
    if (!row) throw notFound(`alert channel ${id}`);
    const context = testAlertContext(row.project, app.config.publicUrl, new Date());
    try {
      const secret = row.secretEnc ? openSecret(app.secretKey, row.secretEnc) : null;
      const channel = { id: row.id, type: row.type as ChannelType, target: openTarget(app.secretKey, row.target), secret };
      const detail = await send(channel, context, { smtpUrl: app.config.smtpUrl, mailFrom: app.config.mailFrom, timeoutMs: 10_000, allowPrivateTargets: app.config.alertAllowPrivateTargets });
      return { ok: true, detail };
    } catch (err) {
      return reply.code(502).send({ error: "delivery_failed", message: (err as Error).message });
    }
  });

  app.get("/api/v1/incidents/:id/deliveries", { schema: { params: IdParams, response: { 200: Type.Array(Delivery), ...Errors }, tags: ["alerts"] } }, async (request) => {
    const { id } = request.params;
    const incident = await app.store.incident.findUnique({
      where: { id },
      include: { deliveries: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], include: { channel: true } } },
    });
    if (!incident) throw notFound(`incident ${id}`);
    return incident.deliveries.map((d) => {
      const key = parseDeliveryKey(d.dedupeKey);
      return {
        id: d.id,
        event: d.event,
        seq: key?.seq ?? 0,
        // What the delivery used (recorded at its last attempt); until then, where it will go.
        channel: d.channelType
          ? { id: d.channelId, type: d.channelType, target: d.channelTarget ? shownUsed(d.channelTarget) : null }
          : d.channel
            ? { id: d.channel.id, type: d.channel.type, target: shownTarget(app.secretKey, d.channel.type, d.channel.target) }
            : { id: null, type: "email", target: d.target },
        status: d.status,
        attempts: d.attempts,
        createdAt: d.createdAt,
        nextAttemptAt: d.status === "pending" ? d.nextAttemptAt : null,
        sentAt: d.sentAt,
        lastError: d.lastError,
        log: parseLog(d.log),
      };
    });
  });
}
