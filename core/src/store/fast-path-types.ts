// The heartbeat hot path's parts as both stores provide them: SQLite's (synchronous better-sqlite3,
// fast-path.ts) and PostgreSQL's (pg, postgres/fast-path.ts). Callers await `authenticate`, `stamp`
// and `facts`, which PostgreSQL answers with promises and SQLite with values.
import type { HeartbeatPayload } from "../protocol.ts";
import type { AuthResult } from "./token-memory.ts";
import type { Ingested } from "./heartbeat-ingest.ts";
import type { OrderFacts } from "./order-reads.ts";

export type MaybePromise<T> = T | Promise<T>;

/** Agent token authentication (server/auth.ts); a rejected token's rejectedAt is written to the store, bounded (token-memory.ts). */
export interface AgentAuthPart {
  /** `tokenHash`: SHA-256 hex of the bearer token; a verdict is cached for 2 s (token-memory.ts). */
  authenticate(tokenHash: string, now?: Date): MaybePromise<AuthResult>;
  /** Revocation and rotation call this so they take effect at once in this process. */
  forgetTokens(): void;
}

/**
 * Where the file replicas a heartbeat reports lead, by URL as reported: `path`, the directory as written
 * (normalised), and `dir`, where it led when the heartbeat came, symlinks resolved (drills/replica-claim-records.ts).
 */
export type ReplicaPlaces = ReadonlyMap<string, { path: string; dir: string }>;

/**
 * Heartbeat ingest (routes/heartbeats.ts): resolves once committed; rejects with DatabaseLimitError past the limit.
 * Each of `places` is recorded as its project's claim of that place in the same transaction (new, or seen again).
 */
export interface HeartbeatIngestPart {
  ingest(projectId: string, hb: HeartbeatPayload, receivedAt: Date, places?: ReplicaPlaces): Promise<Ingested>;
}

/** What the project list's order reads (server/project-order-cache.ts): `stamp` changes whenever `facts` may have. */
export interface OrderReadsPart {
  stamp(): MaybePromise<string>;
  facts(): MaybePromise<OrderFacts>;
}
