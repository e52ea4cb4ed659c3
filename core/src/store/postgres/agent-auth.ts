// Agent token authentication on PostgreSQL: the same verdicts and bounded writes as the SQLite one
// (token-memory.ts), but verdicts kept GENERATION_CACHE_MS (an agent comes back every 30 s: with a 2 s cache
// nearly every heartbeat read its token) while the store's token generation, read at most every
// GENERATION_EVERY_MS (token-generation.ts), stands still: a revocation at any core drops them. Lookups missing the cache in one tick share one query (hash = ANY),
// and the lastUsedAt writes due in one TOUCH_WINDOW_MS (rejectedAt: in one tick) one UPDATE, not awaited (advisory: a
// failed one is tried again with the token's next lookup); concurrent lookups of one hash share its query.
import type pg from "pg";
import { GENERATION_CACHE_MS, GENERATION_EVERY_MS, RememberedTokens, tokenVerdict, verdictUntil, type AuthResult, type TokenRow } from "../token-memory.ts";
import { TokenGeneration } from "./token-generation.ts";
import type { AgentAuthPart } from "../fast-path-types.ts";
import { PG_AUTH_SQL } from "./sql.ts";
import { pgTime } from "./pool.ts";

/** How long lastUsedAt writes gather before their one UPDATE. */
const TOUCH_WINDOW_MS = 1_000;

export class PostgresAgentAuth extends RememberedTokens implements AgentAuthPart {
  /** lastUsedAt and rejectedAt writes waiting for their next UPDATE: token id → time. */
  private readonly stamps = { touchTokens: new Map<string, Date>(), rejectTokens: new Map<string, Date>() };
  /** Hashes waiting for the next lookup query, each with the promise its callers share. */
  private waiting = new Map<string, { promise: Promise<TokenRow | undefined>; resolve(row: TokenRow | undefined): void; reject(err: unknown): void }>();

  private readonly generation: TokenGeneration;

  constructor(private readonly pool: pg.Pool, generationEveryMs = GENERATION_EVERY_MS) {
    super();
    this.generation = new TokenGeneration(pool, generationEveryMs);
  }

  /**
   * `tokenHash`: SHA-256 hex of the bearer token. Cached up to GENERATION_CACHE_MS (never past the token's
   * expiresAt) while the token generation stands still. Rejects with the query's error.
   */
  async authenticate(tokenHash: string, now = new Date()): Promise<AuthResult> {
    if (await this.generation.moved(now.getTime())) this.memory.forget();
    const cached = this.memory.cached(tokenHash, now);
    const epoch = this.memory.epoch;
    const row = cached ? undefined : await this.row(tokenHash);
    const result = cached ?? tokenVerdict(row, now);
    if (!cached && result.ok && this.memory.touchDue(result.agent.tokenId, now)) {
      this.memory.touched(result.agent.tokenId, now);
      this.stamp("touchTokens", result.agent.tokenId, now);
    }
    const rejected = this.memory.rejectionDue(result, now);
    if (rejected) this.stamp("rejectTokens", rejected, now);
    return this.memory.settle(tokenHash, result, cached !== undefined, now, epoch, verdictUntil(row, result, now, GENERATION_CACHE_MS));
  }

  /** Queues a token's lastUsedAt or rejectedAt (claimed in the memory by the caller, so bounded per token). */
  private stamp(kind: keyof typeof this.stamps, tokenId: string, now: Date): void {
    const queue = this.stamps[kind];
    queue.set(tokenId, now);
    if (queue.size > 1) return;
    const flush = () => {
      const batch = new Map(queue);
      queue.clear();
      this.pool.query(PG_AUTH_SQL[kind], [[...batch.keys()], [...batch.values()].map(pgTime)]).catch(() => {
        for (const id of batch.keys()) (kind === "touchTokens" ? this.memory.untouched(id) : this.memory.unrejected(id));
      });
    };
    // lastUsedAt gathers for a window, not a tick: under load nearly every lookup is due (a core sees a token
    // less than once a minute), and one UPDATE a second replaces one a heartbeat.
    if (kind === "touchTokens") setTimeout(flush, TOUCH_WINDOW_MS).unref();
    else setImmediate(flush);
  }

  /** The token row of `tokenHash`, read with every other hash asked for in the same tick. */
  private row(tokenHash: string): Promise<TokenRow | undefined> {
    const queued = this.waiting.get(tokenHash);
    if (queued) return queued.promise;
    let resolve!: (row: TokenRow | undefined) => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<TokenRow | undefined>((res, rej) => ((resolve = res), (reject = rej)));
    this.waiting.set(tokenHash, { promise, resolve, reject });
    if (this.waiting.size === 1) setImmediate(() => void this.lookup());
    return promise;
  }

  private async lookup(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    try {
      const { rows } = await this.pool.query<TokenRow & { hash: string }>(PG_AUTH_SQL.tokens, [[...batch.keys()]]);
      const byHash = new Map(rows.map((r) => [r.hash, r]));
      for (const [hash, w] of batch) w.resolve(byHash.get(hash));
    } catch (err) {
      for (const w of batch.values()) w.reject(err);
    }
  }
}
