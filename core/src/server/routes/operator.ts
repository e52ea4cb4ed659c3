// Operator settings at a glance: whether SMTP and the managed storage are
// configured, and a test of each that answers in words. No secret is ever
// returned: the SMTP URL shows its host only, storage its bucket and endpoint.
import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { CheckResult, Errors, OperatorStatus } from "../schemas.ts";
import { badRequest } from "../errors.ts";
import { send } from "../../alerts/channels.ts";
import { testAlertContext } from "../../alerts/test-message.ts";
import { checkStorage } from "../storage-check.ts";

const SmtpTest = Type.Object({ to: Type.String({ format: "email", maxLength: 254 }) }, { additionalProperties: false });

function smtpHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(unparsable BORELA_SMTP_URL)";
  }
}

export default async function operatorRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook("onRequest", app.requireAdmin);

  /** { smtp: { configured, server, from }, storage: { configured, bucket, endpoint, region, credentials }, alertEmails } */
  app.get("/api/v1/operator/status", { schema: { response: { 200: OperatorStatus, ...Errors }, tags: ["operator"] } }, async () => {
    const { smtpUrl, mailFrom, s3, alertEmail } = app.config;
    return {
      smtp: { configured: smtpUrl !== null, server: smtpUrl ? smtpHost(smtpUrl) : null, from: mailFrom },
      storage: {
        configured: s3 !== null,
        bucket: s3?.bucket ?? null,
        endpoint: s3?.endpoint ?? null,
        region: s3?.region ?? null,
        credentials: s3 ? (s3.roleArn ? "scoped per project through BORELA_S3_ROLE_ARN" : "agent keys attached per project") : null,
      },
      alertEmails: alertEmail,
    };
  });

  /** Sends a test email through BORELA_SMTP_URL; 200 { ok, detail } with the server's answer, 502 with what failed. */
  app.post("/api/v1/operator/smtp-test", { schema: { body: SmtpTest, response: { 200: CheckResult, ...Errors }, tags: ["operator"] } }, async (request, reply) => {
    const { to } = request.body;
    if (!app.config.smtpUrl) throw badRequest("no SMTP server is configured: set BORELA_SMTP_URL (e.g. smtp://user:pass@mail.example.com:587) and restart");
    const context = testAlertContext(null, app.config.publicUrl, new Date());
    try {
      const detail = await send({ id: null, type: "email", target: to, secret: null }, context, { smtpUrl: app.config.smtpUrl, mailFrom: app.config.mailFrom, timeoutMs: 10_000 });
      return { ok: true, detail };
    } catch (err) {
      return reply.code(502).send({ error: "delivery_failed", message: (err as Error).message });
    }
  });

  /** Writes, reads back and deletes one object in the managed bucket; 200 { ok, detail }, 502 with the failed step. */
  app.post("/api/v1/operator/storage-test", { schema: { response: { 200: CheckResult, ...Errors }, tags: ["operator"] } }, async (_request, reply) => {
    if (!app.config.s3) throw badRequest("no managed storage is configured: set BORELA_S3_BUCKET, BORELA_S3_ACCESS_KEY_ID and BORELA_S3_SECRET_ACCESS_KEY (and BORELA_S3_ENDPOINT outside AWS)");
    const result = await checkStorage(app.config.s3);
    if (!result.ok) return reply.code(502).send({ error: "storage_failed", message: result.detail });
    return result;
  });
}
