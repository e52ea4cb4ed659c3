// Dashboard sign-in and sign-out. Wrong credentials count against the client
// address and are answered 429 past the limit, like bearer tokens are.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type, type Static } from "@sinclair/typebox";
import { ApiError, conflict } from "../errors.ts";
import { createFailureLimiter } from "../failure-limiter.ts";
import { hashesEqual, hashToken } from "../tokens.ts";
import {
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  createSession,
  deleteSession,
  sessionValid,
  setFirstPassword,
  storedPasswordHash,
  verifyPassword,
} from "../sessions.ts";

export interface SessionRouteOptions {
  adminTokenHash: () => string;
}

const Secret = Type.String({ minLength: 1, maxLength: 200 });
const SignIn = Type.Object(
  { token: Type.Optional(Secret), password: Type.Optional(Secret) },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);
const FirstPassword = Type.Object(
  { adminToken: Secret, password: Type.String({ minLength: 10, maxLength: 200 }) },
  { additionalProperties: false },
);

export default async function sessionRoutes(app: FastifyInstance, opts: SessionRouteOptions) {
  const limiter = createFailureLimiter(app.config.authFailuresPerMinute, 60_000);
  const secure = app.config.publicUrl.startsWith("https:");

  function checkLimit(request: FastifyRequest, reply: FastifyReply): void {
    const retryAfter = limiter.blockedFor(request.ip);
    if (retryAfter > 0) {
      reply.header("retry-after", Math.ceil(retryAfter / 1000));
      throw new ApiError(429, "too_many_requests", "too many failed sign-in attempts; try again later");
    }
  }

  function refuse(request: FastifyRequest, message: string): never {
    limiter.fail(request.ip);
    throw new ApiError(401, "unauthorized", message);
  }

  const adminTokenMatches = (token: string) => hashesEqual(hashToken(token), opts.adminTokenHash());

  async function signIn(reply: FastifyReply) {
    const session = await createSession(app.store);
    reply.setCookie(SESSION_COOKIE, session.token, { path: "/", httpOnly: true, sameSite: "strict", secure, maxAge: SESSION_TTL_SECONDS });
    return { signedIn: true, expiresAt: session.expiresAt };
  }

  app.get("/api/v1/session", { schema: { tags: ["session"] } }, async (request) => ({
    signedIn: await sessionValid(app.store, request.cookies[SESSION_COOKIE]),
    passwordSet: (await storedPasswordHash(app.store)) !== null,
  }));

  app.post("/api/v1/session", { schema: { body: SignIn, tags: ["session"] } }, async (request, reply) => {
    checkLimit(request, reply);
    const body = request.body as Static<typeof SignIn>;
    if (body.token !== undefined) {
      if (!adminTokenMatches(body.token)) refuse(request, "wrong admin token");
    } else {
      const stored = await storedPasswordHash(app.store);
      if (!stored) refuse(request, "no password is set yet: sign in with the admin token");
      if (!(await verifyPassword(body.password!, stored))) refuse(request, "wrong password");
    }
    return signIn(reply);
  });

  app.post("/api/v1/session/password", { schema: { body: FirstPassword, tags: ["session"] } }, async (request, reply) => {
    checkLimit(request, reply);
    const body = request.body as Static<typeof FirstPassword>;
    if (!adminTokenMatches(body.adminToken)) refuse(request, "wrong admin token");
    if (!(await setFirstPassword(app.store, body.password))) throw conflict("a dashboard password is already set");
    reply.code(201);
    return signIn(reply);
  });

  app.delete("/api/v1/session", { schema: { tags: ["session"] } }, async (request, reply) => {
    await deleteSession(app.store, request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "strict", secure });
    return reply.code(204).send();
  });
}
