// Builds the Fastify app: shared things are decorated once, each resource is
// a plugin under routes/ that declares its routes with schemas.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "../logger.ts";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { Config } from "../config.ts";
import type { Store } from "../store/db.ts";
import type { AgentAuthPart, HeartbeatIngestPart } from "../store/fast-path-types.ts";
import type { Sweeper } from "../freshness/sweeper.ts";
import authPlugin from "./auth.ts";
import { forgetEmptyBodyType } from "./empty-body.ts";
import { fastifyTrustProxy } from "./trust-proxy.ts";
import cookie from "@fastify/cookie";
import { sessionChecker } from "./sessions.ts";
import sessionRoutes from "./routes/sessions.ts";
import badgeRoutes from "./routes/badge.ts";
import pingRoutes from "./routes/ping.ts";
import dashboardRoutes from "./routes/dashboard.ts";
import { registerErrorHandling } from "./errors.ts";
import { validatorCompiler } from "./validation.ts";
import healthRoutes from "./routes/health.ts";
import projectRoutes from "./routes/projects.ts";
import tokenRoutes from "./routes/tokens.ts";
import heartbeatRoutes from "./routes/heartbeats.ts";
import incidentRoutes from "./routes/incidents.ts";
import agentConfigRoutes from "./routes/agent-config.ts";
import drillRoutes from "./routes/drills.ts";
import alertChannelRoutes from "./routes/alert-channels.ts";
import snippetRoutes from "./routes/snippets.ts";
import storageCredentialRoutes from "./routes/storage-credentials.ts";
import operatorRoutes from "./routes/operator.ts";
import restoreRoutes from "./routes/restores.ts";
import metricsRoutes from "./routes/metrics.ts";
import pauseRoutes from "./routes/pause.ts";
import type { DrillService } from "../drills/service.ts";
import type { ProjectOrder } from "./project-order-cache.ts";
import { lazyRequestLogger } from "./request-logger.ts";
import { createStoreReachability, freeBytesAt, storeLocation, type StoreReachability } from "../store/reachability.ts";
import { dialectOf } from "../store/dialect.ts";
import { knownOutageGate } from "./known-outage.ts";
import type { WalCheckpoints } from "../store/checkpointer.ts";

/** What every route reaches through the app (Fastify decorations). */
interface AppServices {
  config: Config;
  store: Store;
  agentAuth: AgentAuthPart;
  heartbeatIngest: HeartbeatIngestPart;
  sweeper: Sweeper;
  secretKey: Buffer;
  drills: DrillService;
}

declare module "fastify" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface FastifyInstance extends AppServices {
    /** The project list's kept order; null: the list reads it through Prisma on every call. */
    projectOrder: ProjectOrder | null;
    /** Whether the store answers (store/reachability.ts): the error handler's 503s and /healthz. */
    storeReachability: StoreReachability;
    /** SQLite: the WAL checkpoint worker's state for /healthz (store/checkpointer.ts); null otherwise. */
    walCheckpoints: (() => WalCheckpoints) | null;
  }
}

export interface AppDeps extends AppServices {
  /** Read on every admin request, so it can be set after the server starts listening. */
  adminTokenHash: () => string;
  logger?: Logger;
  /** The project list's kept order, on the fast connection (start.ts); without it the list reads through Prisma. */
  projectOrder?: ProjectOrder;
  /** SQLite: the WAL checkpoint worker's state (store/core-parts.ts). */
  walCheckpoints?: () => WalCheckpoints;
  /** Extra decorations and routes contributed by other parts (drills, alerts, dashboard). */
  extensions?: ((app: FastifyInstance) => Promise<void> | void)[];
}

export const ROUTES = [healthRoutes, projectRoutes, tokenRoutes, heartbeatRoutes, incidentRoutes, agentConfigRoutes, drillRoutes, alertChannelRoutes, snippetRoutes, storageCredentialRoutes, operatorRoutes, restoreRoutes, metricsRoutes, pauseRoutes];

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Typed as the default instance: route plugins do not care which pino flavour logs.
  const app: FastifyInstance = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger as FastifyBaseLogger } : { logger: false }),
    bodyLimit: deps.config.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    ajv: { customOptions: { removeAdditional: false } },
    // Response schemas with a union (the project list's page or array) validate the branch with ajv; compiled
    // lazily that cost 138–270 ms of blocked loop on the first request that reached it, after start.
    serializerOpts: { compileValidators: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  const storeReachability = createStoreReachability({
    store: deps.store,
    location: storeLocation(deps.config),
    log: app.log,
    freeBytes: deps.config.databaseUrl ? undefined : () => freeBytesAt(deps.config.dataDir),
  });
  app.addHook("onClose", async () => storeReachability.stop());
  registerErrorHandling(app, storeReachability);
  if (dialectOf(deps.store) === "postgresql") app.addHook("onRequest", knownOutageGate(storeReachability));
  app.addHook("onRequest", forgetEmptyBodyType);

  app.decorate("config", deps.config);
  app.decorate("store", deps.store);
  app.decorate("agentAuth", deps.agentAuth);
  app.decorate("heartbeatIngest", deps.heartbeatIngest);
  app.decorate("sweeper", deps.sweeper);
  app.decorate("secretKey", deps.secretKey);
  app.decorate("drills", deps.drills);
  app.decorate("storeReachability", storeReachability);
  app.decorate("projectOrder", deps.projectOrder ?? null);
  app.decorate("walCheckpoints", deps.walCheckpoints ?? null);

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: "too_many_requests",
      message: `rate limit exceeded: at most ${ctx.max} requests per minute; retry in ${Math.ceil(ctx.ttl / 1000)}s`,
    }),
  });
  await app.register(swagger, {
    openapi: { info: { title: "Borela API", version: "1" }, components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } }, security: [{ bearer: [] }] },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  await app.register(cookie);
  await app.register(authPlugin, {
    adminTokenHash: deps.adminTokenHash,
    agentAuth: deps.agentAuth,
    failuresPerMinute: deps.config.authFailuresPerMinute,
    adminSession: sessionChecker(deps.store),
  });

  for (const route of ROUTES) await app.register(route);
  await app.register(sessionRoutes, { adminTokenHash: deps.adminTokenHash });
  await app.register(badgeRoutes);
  await app.register(pingRoutes);
  await app.register(dashboardRoutes);
  for (const extend of deps.extensions ?? []) await extend(app);
  return app;
}
