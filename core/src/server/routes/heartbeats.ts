import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { HeartbeatPayload } from "../../protocol.ts";
import { Errors, Heartbeat, HeartbeatAccepted, IdParams } from "../schemas.ts";
import { badRequest, notFound } from "../errors.ts";
import { DatabaseLimitError } from "../../store/heartbeat-ingest.ts";
import { checkHeartbeat, ReportedValueError } from "../../reported-values.ts";
import { capReportedTimes } from "../../reported-times.ts";
import { countHeartbeat } from "../../metrics/counters.ts";
import { readHistoryPage } from "../../store/history-page.ts";
import { capProjectClaims } from "../../drills/replica-claim-records.ts";
import { createResolveAllowance, placesWithin } from "../../drills/resolve-allowance.ts";

const HistoryQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    before: Type.Optional(Type.String({ format: "date-time" })),
  },
  { additionalProperties: false },
);

export default async function heartbeatRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  // File system calls per project for resolving reported file replica paths (drills/resolve-allowance.ts).
  const resolveAllowance = createResolveAllowance();
  app.post(
    "/api/v1/heartbeats",
    {
      onRequest: app.requireAgent,
      schema: { body: HeartbeatPayload, response: { 200: HeartbeatAccepted, 201: HeartbeatAccepted, ...Errors }, tags: ["agent"] },
      config: {
        rateLimit: {
          max: app.config.rateLimitPerMinute,
          timeWindow: 60_000,
          // The limit's hook runs after requireAgent (route hooks first), so the token is known by its id:
          // no second SHA-256 of it per heartbeat.
          keyGenerator: (request: { agent: { tokenId: string } | null; ip: string }) => (request.agent ? `token:${request.agent.tokenId}` : request.ip),
        },
      },
    },
    async (request, reply) => {
      const projectId = request.agent!.projectId;
      // Names, paths and replica URLs beyond the schema: a 400 naming the field (reported-values.ts).
      let payload: HeartbeatPayload;
      try {
        payload = checkHeartbeat(request.body);
      } catch (err) {
        throw err instanceof ReportedValueError ? badRequest(err.message) : err;
      }
      // No reported time may lie ahead of ours (reported-times.ts).
      const receivedAt = new Date();
      payload = capReportedTimes(payload, receivedAt);
      // One way: ingest (store/heartbeat-ingest.ts) → evaluate (freshness/sweeper.ts) → incidents/ → alerts/.
      // Where its file replicas lead now: the ingest records each place new to the project as its claim (drills/replica-claim-records.ts).
      const { places } = await placesWithin(resolveAllowance, projectId, payload);
      const ingested = await app.heartbeatIngest.ingest(projectId, payload, receivedAt, places).catch((err) => {
        throw err instanceof DatabaseLimitError ? badRequest(err.message) : err;
      });
      countHeartbeat();
      if (ingested.claimsMade > 0) {
        await capProjectClaims(app.store, projectId).catch((err: Error) => request.log.error({ err }, "capping the project's file replica claims failed"));
      }
      app.sweeper.evaluate(ingested.projectId);
      return reply.code(ingested.duplicate ? 200 : 201).send({ ok: true, duplicate: ingested.duplicate, heartbeatGraceSeconds: request.agent!.heartbeatGraceSeconds });
    },
  );

  app.get(
    "/api/v1/projects/:id/heartbeats",
    { onRequest: app.requireAdmin, schema: { params: IdParams, querystring: HistoryQuery, response: { 200: Type.Array(Heartbeat), ...Errors }, tags: ["projects"] } },
    async (request, reply) => {
      const { id } = request.params;
      const { limit = 100, before } = request.query;
      const project = await app.store.project.findUnique({ where: { id }, select: { id: true } });
      if (!project) throw notFound(`project ${id}`);
      const { rows, truncated } = await readHistoryPage(app.store, id, limit, before ? new Date(before) : null);
      // Left off for bytes: the next page is ?before=<this value>.
      if (truncated) reply.header("x-borela-next-before", rows.at(-1)!.sentAt.toISOString());
      return rows.map((h) => ({
        id: h.id,
        sentAt: h.sentAt,
        receivedAt: h.receivedAt,
        sequence: h.sequence,
        storageBytes: Number(h.storageBytes),
        payload: JSON.parse(h.payload),
      }));
    },
  );
}
