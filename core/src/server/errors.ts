// Every error leaves the API as JSON {error, message} with a 4xx code; a 500
// is only ever our bug, logged with its stack and answered without details.
// The one 503: the store cannot be reached (store/reachability.ts), answered with
// Retry-After and logged once per outage, not per request.
import type { FastifyError, FastifyInstance } from "fastify";
import { CONTROL_FREE } from "../control.ts";
import type { StoreReachability } from "../store/reachability.ts";

/** Seconds a client is told to wait after a 503 store_unavailable. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const badRequest = (message: string) => new ApiError(400, "bad_request", message);
export const conflict = (message: string) => new ApiError(409, "conflict", message);

const CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "too_many_requests",
};

type ValidationIssue = NonNullable<FastifyError["validation"]>[number];

/** "body/staleAfterSeconds must be integer", "body has unknown field 'foo'". */
export function validationMessage(context: string, issues: ValidationIssue[]): string {
  const first = issues[0];
  if (!first) return `invalid ${context}`;
  const where = `${context}${first.instancePath}`;
  const params = first.params as Record<string, unknown>;
  if (first.keyword === "additionalProperties") return `${where} has unknown field ${JSON.stringify(params.additionalProperty)}`;
  // A union of literals (Type.Union of Type.Literal) fails as one "must be equal to constant" per branch.
  const allowed = issues.filter((i) => i.keyword === "const" && i.instancePath === first.instancePath).map((i) => (i.params as { allowedValue?: unknown }).allowedValue);
  if (first.keyword === "const" && allowed.length > 1) return `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`;
  if (first.keyword === "format" && params.format === "date-time") return `${where} must be an ISO 8601 date-time with a time zone, e.g. 2026-12-01T14:00:00Z`;
  if (first.keyword === "pattern" && params.pattern === CONTROL_FREE) return `${where} must not contain control characters (line breaks, tabs)`;
  return `${where} ${first.message ?? "is invalid"}`;
}

/** `reachability`: says which failures mean the store is unreachable (503 store_unavailable); without it every 5xx is a 500. */
export function registerErrorHandling(app: FastifyInstance, reachability?: StoreReachability): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).send({ error: err.code, message: err.message });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const unavailable = status === 500 ? reachability?.failed(err) : null;
    if (unavailable) {
      return reply.code(503).header("retry-after", String(STORE_RETRY_AFTER_SECONDS)).send({ error: "store_unavailable", message: unavailable });
    }
    if (status === 500) {
      request.log.error({ err }, "request failed");
      return reply.code(500).send({ error: "internal", message: "internal error; see the server log" });
    }
    let message = err.message;
    if (err.validation) message = validationMessage(err.validationContext ?? "request", err.validation);
    if (err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err.code === "FST_ERR_CTP_EMPTY_JSON_BODY") message = `malformed JSON body: ${err.message}`;
    return reply.code(status).send({ error: CODES[status] ?? "bad_request", message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: "not_found", message: `no route ${request.method} ${request.url.split("?")[0]}` }),
  );
}
