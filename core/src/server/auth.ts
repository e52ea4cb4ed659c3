// Admin and agent authentication, decorated once on the app. Failed attempts
// are counted per client address and answered 429 past a limit, so tokens
// cannot be brute-forced; token hashes are compared in constant time.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ApiError } from "./errors.ts";
import { bearerToken, hashesEqual, hashToken } from "./tokens.ts";
import type { AgentIdentity, HeartbeatWriter } from "../store/heartbeat-writer.ts";
import { createFailureLimiter } from "./failure-limiter.ts";

declare module "fastify" {
  interface FastifyInstance {
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireAgent: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    agent: AgentIdentity | null;
  }
}

export interface AuthOptions {
  adminTokenHash: () => string;
  writer: HeartbeatWriter;
  /** Optional second way in for the dashboard: a session cookie checked by the sessions module. */
  adminSession?: (request: FastifyRequest) => Promise<boolean>;
  failuresPerMinute: number;
}

async function authPlugin(app: FastifyInstance, opts: AuthOptions) {
  const limiter = createFailureLimiter(opts.failuresPerMinute, 60_000);
  app.decorateRequest("agent", null);

  /** `guess`: an unknown or missing credential counts towards the brute-force limit; a known but revoked token does not. */
  function refuse(request: FastifyRequest, status: 401 | 403, message: string, guess = true): never {
    if (guess) limiter.fail(request.ip);
    throw new ApiError(status, status === 401 ? "unauthorized" : "forbidden", message);
  }

  function checkLimit(request: FastifyRequest, reply: FastifyReply): void {
    const retryAfter = limiter.blockedFor(request.ip);
    if (retryAfter > 0) {
      reply.header("retry-after", Math.ceil(retryAfter / 1000));
      throw new ApiError(429, "too_many_requests", "too many failed authentication attempts; try again later");
    }
  }

  app.decorate("requireAdmin", async (request: FastifyRequest, reply: FastifyReply) => {
    checkLimit(request, reply);
    const token = bearerToken(request.headers.authorization);
    if (token) {
      if (hashesEqual(hashToken(token), opts.adminTokenHash())) return;
      refuse(request, 401, "invalid admin token");
    }
    if (opts.adminSession && (await opts.adminSession(request))) return;
    refuse(request, 401, "missing admin credentials: send Authorization: Bearer <admin token>");
  });

  app.decorate("requireAgent", async (request: FastifyRequest, reply: FastifyReply) => {
    checkLimit(request, reply);
    const token = bearerToken(request.headers.authorization);
    if (!token) refuse(request, 401, "missing agent token: send Authorization: Bearer <agent token>");
    const result = opts.writer.authenticate(hashToken(token));
    if (!result.ok) {
      refuse(request, 401, result.reason === "unknown" ? "invalid agent token" : `agent token ${result.reason}`, result.reason === "unknown");
    }
    request.agent = result.agent;
  });
}

export default fp(authPlugin, { name: "borela-auth" });
