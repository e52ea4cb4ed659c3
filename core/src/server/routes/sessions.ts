// Dashboard sign-in and sign-out, the session list, sign out everywhere and
// the password. The admin token is checked before any failure count (a right
// token always signs in). A password is compared only while its own address
// is not blocked (password-guard.ts): others' failures never hold back a right
// password.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { EndedSessions, Errors, NoContent, SessionState, SessionView, SignedIn } from "../schemas.ts";
import { ApiError, conflict, notFound } from "../errors.ts";
import { authOutcome } from "../failure-limiter.ts";
import { createPasswordGuard } from "../password-guard.ts";
import { tooManyFailures } from "../auth.ts";
import { hashesEqual, hashToken } from "../tokens.ts";
import {
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  changePassword,
  createSession,
  deleteSession,
  endAllSessions,
  endSession,
  listSessions,
  sessionIdOf,
  sessionValid,
  setFirstPassword,
  storedPasswordHash,
  verifyPassword,
} from "../sessions.ts";

export interface SessionRouteOptions {
  adminTokenHash: () => string;
}

const Secret = Type.String({ minLength: 1, maxLength: 200 });
const NewPassword = Type.String({ minLength: 10, maxLength: 200 });
const SignIn = Type.Object(
  { token: Type.Optional(Secret), password: Type.Optional(Secret) },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);
const FirstPassword = Type.Object({ adminToken: Secret, password: NewPassword }, { additionalProperties: false });
const PasswordChange = Type.Object(
  { password: NewPassword, currentPassword: Type.Optional(Secret), adminToken: Type.Optional(Secret) },
  { additionalProperties: false, minProperties: 2, maxProperties: 2, description: "the new password and either currentPassword or adminToken" },
);
const SessionParams = Type.Object({ id: Type.String({ pattern: "^[0-9a-f]{64}$" }) }, { additionalProperties: false });

export default async function sessionRoutes(base: FastifyInstance, opts: SessionRouteOptions) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const secure = app.config.publicUrl.startsWith("https:");
  const failures = app.authFailures;
  const passwords = createPasswordGuard(failures, app.config.authFailuresPerMinute, app.authWindows);

  async function refuse(request: FastifyRequest, reply: FastifyReply, message: string): Promise<never> {
    const blocked = await failures.blockedFor(request.ip);
    await failures.fail(request.ip);
    if (authOutcome(false, blocked) === "throttle") throw tooManyFailures(reply, blocked, "failed sign-in attempts");
    throw new ApiError(401, "unauthorized", message);
  }

  /** The admin token is 160 random bits: checked first, and a right one is never held back by others' failures. */
  async function requireAdminToken(request: FastifyRequest, reply: FastifyReply, token: string): Promise<void> {
    const hash = opts.adminTokenHash();
    if (!hash || !hashesEqual(hashToken(token), hash)) return refuse(request, reply, "wrong admin token");
  }

  /** The password may be guessable: no comparison at all while its own address is blocked or already comparing one. */
  async function requirePassword(request: FastifyRequest, reply: FastifyReply, password: string): Promise<void> {
    const stored = await storedPasswordHash(app.store);
    if (!stored) return refuse(request, reply, "no password is set yet: sign in with the admin token");
    const turn = await passwords.begin(request.ip);
    if (!turn.ok) {
      if (turn.reason === "blocked") throw tooManyFailures(reply, turn.retryAfterMs, "failed sign-in attempts");
      reply.header("retry-after", Math.ceil(turn.retryAfterMs / 1000));
      throw new ApiError(429, "too_many_requests", "a password from this address is still being checked; try again in a second");
    }
    let correct = false;
    try {
      correct = await verifyPassword(password, stored);
    } finally {
      await passwords.end(request.ip, correct);
    }
    if (!correct) throw new ApiError(401, "unauthorized", "wrong password");
  }

  async function signIn(request: FastifyRequest, reply: FastifyReply) {
    const session = await createSession(app.store, { userAgent: request.headers["user-agent"] ?? null, address: request.ip });
    reply.setCookie(SESSION_COOKIE, session.token, { path: "/", httpOnly: true, sameSite: "strict", secure, maxAge: SESSION_TTL_SECONDS });
    return { signedIn: true, expiresAt: session.expiresAt };
  }

  function clearCookie(reply: FastifyReply) {
    reply.clearCookie(SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "strict", secure });
  }

  app.get("/api/v1/session", { schema: { response: { 200: SessionState, ...Errors }, tags: ["session"] } }, async (request) => ({
    signedIn: await sessionValid(app.store, request.cookies[SESSION_COOKIE]),
    passwordSet: (await storedPasswordHash(app.store)) !== null,
  }));

  app.post("/api/v1/session", { schema: { body: SignIn, response: { 200: SignedIn, ...Errors }, tags: ["session"] } }, async (request, reply) => {
    const { body } = request;
    if (body.token !== undefined) await requireAdminToken(request, reply, body.token);
    else await requirePassword(request, reply, body.password!);
    return signIn(request, reply);
  });

  app.post("/api/v1/session/password", { schema: { body: FirstPassword, response: { 201: SignedIn, ...Errors }, tags: ["session"] } }, async (request, reply) => {
    const { body } = request;
    await requireAdminToken(request, reply, body.adminToken);
    if (!(await setFirstPassword(app.store, body.password))) throw conflict("a dashboard password is already set: change it with PUT /api/v1/session/password");
    reply.code(201);
    return signIn(request, reply);
  });

  /** Changes (or sets) the password with the current one or the admin token; every session ends, this browser gets a new one. */
  app.put("/api/v1/session/password", { schema: { body: PasswordChange, response: { 200: SignedIn, ...Errors }, tags: ["session"] } }, async (request, reply) => {
    const { body } = request;
    if (body.adminToken !== undefined) await requireAdminToken(request, reply, body.adminToken);
    else await requirePassword(request, reply, body.currentPassword!);
    await changePassword(app.store, body.password);
    return signIn(request, reply);
  });

  app.delete("/api/v1/session", { schema: { response: { 204: NoContent, ...Errors }, tags: ["session"] } }, async (request, reply) => {
    await deleteSession(app.store, request.cookies[SESSION_COOKIE]);
    clearCookie(reply);
    return reply.code(204).send();
  });

  app.get("/api/v1/sessions", { onRequest: app.requireAdmin, schema: { response: { 200: Type.Array(SessionView), ...Errors }, tags: ["session"] } }, async (request) => {
    const current = sessionIdOf(request.cookies[SESSION_COOKIE]);
    const sessions = await listSessions(app.store);
    return sessions.map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      userAgent: s.userAgent,
      address: s.address,
      current: s.id === current,
    }));
  });

  /** Sign out everywhere, this browser included. */
  app.delete("/api/v1/sessions", { onRequest: app.requireAdmin, schema: { response: { 200: EndedSessions, ...Errors }, tags: ["session"] } }, async (_request, reply) => {
    const ended = await endAllSessions(app.store);
    clearCookie(reply);
    return { ended };
  });

  app.delete("/api/v1/sessions/:id", { onRequest: app.requireAdmin, schema: { params: SessionParams, response: { 204: NoContent, ...Errors }, tags: ["session"] } }, async (request, reply) => {
    const { id } = request.params;
    if (!(await endSession(app.store, id))) throw notFound("session");
    if (id === sessionIdOf(request.cookies[SESSION_COOKIE])) clearCookie(reply);
    return reply.code(204).send();
  });
}
