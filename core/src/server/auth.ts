// Admin and agent authentication, decorated once on the app. The credential is
// checked first: a valid admin token, session or agent token is always let in,
// whatever others failed from the same address. Requests without one count
// their failures per client address and get 429 past a limit; token hashes are
// compared in constant time.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ApiError } from "./errors.ts";
import { bearerToken, hashesEqual, hashToken } from "./tokens.ts";
import type { AgentIdentity } from "../store/agent-auth.ts";
import type { AgentAuthPart } from "../store/fast-path-types.ts";
import { authOutcome, createAuthFailures, type AuthFailures } from "./failure-limiter.ts";
import { SESSION_COOKIE } from "./sessions.ts";
import { authStateBackend } from "./auth-state/backend.ts";
import { openAuthWindows } from "./auth-state/open.ts";
import type { FailureWindows } from "./auth-state/windows.ts";

declare module "fastify" {
  interface FastifyInstance {
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireAgent: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Failed authentications per client address, shared by every route that checks a credential. */
    authFailures: AuthFailures;
    /** The failure windows behind `authFailures` (memory, Redis or PostgreSQL), for the password guard. */
    authWindows: FailureWindows;
  }
  interface FastifyRequest {
    agent: AgentIdentity | null;
  }
}

export interface AuthOptions {
  /** SHA-256 (hex) of the admin token; empty until the core has settled it, and then nothing signs in as admin. */
  adminTokenHash: () => string;
  agentAuth: Pick<AgentAuthPart, "authenticate">;
  /** Optional second way in for the dashboard: a session cookie checked by the sessions module. */
  adminSession?: (request: FastifyRequest) => Promise<boolean>;
  failuresPerMinute: number;
}

/** 429 with Retry-After in whole seconds. */
export function tooManyFailures(reply: FastifyReply, retryAfterMs: number, what = "failed authentication attempts"): ApiError {
  reply.header("retry-after", Math.max(1, Math.ceil(retryAfterMs / 1000)));
  return new ApiError(429, "too_many_requests", `too many ${what} from this address; try again later`);
}

async function authPlugin(app: FastifyInstance, opts: AuthOptions) {
  // Shared by the cores of one set-up: Redis when BORELA_REDIS_URL is set; the PostgreSQL store's table when
  // BORELA_DATABASE_URL selects PostgreSQL; else memory.
  const backend = authStateBackend({ redisUrl: app.config?.redisUrl ?? null, postgresUrl: app.config?.databaseUrl ?? null });
  const windows = openAuthWindows(backend, { warn: (m) => app.log.warn(m), info: (m) => app.log.info(m) });
  app.addHook("onClose", () => windows.close());
  const failures = createAuthFailures(opts.failuresPerMinute, windows);
  app.decorate("authFailures", failures);
  app.decorate("authWindows", windows);
  app.decorateRequest("agent", null);

  /**
   * Ends a request that has no valid credential: 429 while its address is blocked, else 401/403.
   * `guess`: an unknown credential counts towards the limit; a missing one, a known but revoked token or
   * a stale session cookie (a browser tab left open) does not.
   */
  async function refuse(request: FastifyRequest, reply: FastifyReply, status: 401 | 403, message: string, guess: boolean): Promise<never> {
    const blocked = await failures.blockedFor(request.ip);
    if (guess) await failures.fail(request.ip);
    if (authOutcome(false, blocked) === "throttle") throw tooManyFailures(reply, blocked);
    throw new ApiError(status, status === 401 ? "unauthorized" : "forbidden", message);
  }

  app.decorate("requireAdmin", async (request: FastifyRequest, reply: FastifyReply) => {
    const adminHash = opts.adminTokenHash();
    const token = bearerToken(request.headers.authorization);
    if (token) {
      if (adminHash && hashesEqual(hashToken(token), adminHash)) return;
      return refuse(request, reply, 401, "invalid admin token", true);
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie !== undefined) {
      if (adminHash && opts.adminSession && (await opts.adminSession(request))) return;
      // Ended (signed out elsewhere, revoked, expired, admin token changed): stop the browser sending it.
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return refuse(request, reply, 401, "the session has ended: sign in again", false);
    }
    return refuse(request, reply, 401, "missing admin credentials: send Authorization: Bearer <admin token>", false);
  });

  app.decorate("requireAgent", async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) return refuse(request, reply, 401, "missing agent token: send Authorization: Bearer <agent token>", false);
    const result = await opts.agentAuth.authenticate(hashToken(token));
    if (!result.ok) {
      const unknown = result.reason === "unknown";
      return refuse(request, reply, 401, unknown ? "invalid agent token" : `agent token ${result.reason}`, unknown);
    }
    request.agent = result.agent;
  });
}

export default fp(authPlugin, { name: "borela-auth" });
