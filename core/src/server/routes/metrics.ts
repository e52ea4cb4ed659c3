// GET /metrics for Prometheus: bearer BORELA_METRICS_TOKEN (a scrape-only
// credential to put in prometheus.yml) or the admin token / a session.
import type { FastifyInstance, FastifyRequest, FastifyReply } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors, Raw } from "../schemas.ts";
import { bearerToken, hashesEqual, hashToken } from "../tokens.ts";
import { METRICS_CONTENT_TYPE, scrapeMetrics, scrapeWithoutStore } from "../../metrics/scrape.ts";
import { startProcessMetrics } from "../../metrics/counters.ts";

export default async function metricsRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  startProcessMetrics();
  const metricsHash = app.config.metricsToken ? hashToken(app.config.metricsToken) : null;

  /** The metrics token lets in; anything else goes through the admin check (401, failure counting, 429). */
  async function requireScraper(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = bearerToken(request.headers.authorization);
    if (token && metricsHash && hashesEqual(hashToken(token), metricsHash)) return;
    await app.requireAdmin(request, reply);
  }

  app.get(
    "/metrics",
    { onRequest: requireScraper, schema: { response: { 200: Raw(METRICS_CONTENT_TYPE, "Prometheus text format"), ...Errors }, tags: ["operator"] } },
    // While the store cannot be reached a scrape still answers, with borela_store_up 0 (was: 503 like the API).
    async (_request, reply) => reply.type(METRICS_CONTENT_TYPE).send((await app.storeReachability.check()).ok ? await scrapeMetrics(app.store) : await scrapeWithoutStore()),
  );
}
