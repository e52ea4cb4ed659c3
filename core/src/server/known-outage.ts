// While this core knows its PostgreSQL store cannot be reached (a request's query failed for that reason, or
// the reachability probe did: store/reachability.ts), a new /api request answers 503 store_unavailable at once
// instead of queueing for a connection and waiting for the query timeout. A hung server answers nothing: every
// request would otherwise hold its socket for PG_QUERY_TIMEOUT_MS (store/postgres/pool.ts) and pile up. The
// probe's own recheck (every second while down) ends the outage. Not on SQLite: a local file does not hang,
// and a lock held for a moment must not turn every request away.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { StoreReachability } from "../store/reachability.ts";
import { STORE_RETRY_AFTER_SECONDS } from "./errors.ts";

/** An onRequest hook answering /api/… requests 503 store_unavailable while `reachability` knows of an outage. */
export function knownOutageGate(reachability: StoreReachability) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const message = request.url.startsWith("/api/") ? reachability.outage() : null;
    if (message === null) return done();
    void reply.code(503).header("retry-after", String(STORE_RETRY_AFTER_SECONDS)).send({ error: "store_unavailable", message });
  };
}
