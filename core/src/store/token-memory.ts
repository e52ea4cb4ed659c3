// What agent token authentication decides and remembers, whichever store it reads (agent-auth.ts on
// SQLite, postgres/agent-auth.ts): the verdict on a token row, a short cache of verdicts, and when a
// token's lastUsedAt or rejectedAt is due another write. rejectedAt (an agent came with the token once
// revoked or expired) lives in the store, so every core's sweep words a silence with it alike.

export interface AgentIdentity {
  tokenId: string;
  projectId: string;
  /** The project's heartbeat grace (s) at lookup time (cached with the token, AUTH_CACHE_MS). */
  heartbeatGraceSeconds: number;
}

export type AuthResult =
  | { ok: true; agent: AgentIdentity }
  | { ok: false; reason: "unknown" }
  | { ok: false; reason: "revoked" | "expired"; projectId: string; tokenId: string };

/** The project's latest rejected token as the store holds it (AgentToken.rejectedAt; revoked when revokedAt is set). */
export interface TokenRejection {
  at: Date;
  reason: "revoked" | "expired";
}

/** A token row as either store reads it: times as Date (PostgreSQL) or storeTime() text (SQLite). */
export interface TokenRow {
  id: string;
  projectId: string;
  revokedAt: Date | string | null;
  expiresAt: Date | string | null;
  heartbeatGraceSeconds: number;
}

export const LAST_USED_EVERY_MS = 60_000;
// A hostile agent hammering a revoked token costs one rejectedAt write per token, core and this long.
export const REJECTION_EVERY_MS = 30_000;
// Another core process sharing the store sees a revocation within this long.
export const AUTH_CACHE_MS = 2_000;
// On PostgreSQL a verdict is kept this long (never past the token's expiresAt): the core reads the store's token
// generation instead at most every GENERATION_EVERY_MS and drops every verdict when it moved (postgres/agent-auth.ts).
export const GENERATION_CACHE_MS = 60_000;
export const GENERATION_EVERY_MS = 1_000;
const AUTH_CACHE_MAX = 10_000;

/** The verdict on a token found by its hash (undefined: none); expired when expiresAt <= now. Pure. */
export function tokenVerdict(row: TokenRow | undefined, now: Date): AuthResult {
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked", projectId: row.projectId, tokenId: row.id };
  if (row.expiresAt && new Date(row.expiresAt).getTime() <= now.getTime()) return { ok: false, reason: "expired", projectId: row.projectId, tokenId: row.id };
  return { ok: true, agent: { tokenId: row.id, projectId: row.projectId, heartbeatGraceSeconds: row.heartbeatGraceSeconds } };
}

/**
 * Pure: until when (ms since the epoch) a verdict read from `row` at `now` may be used while the token generation
 * stands still: `longMs` on, never past an accepted token's expiresAt; an unknown token only AUTH_CACHE_MS.
 */
export function verdictUntil(row: TokenRow | undefined, result: AuthResult, now: Date, longMs: number): number {
  if (!result.ok && result.reason === "unknown") return now.getTime() + AUTH_CACHE_MS;
  const until = now.getTime() + longMs;
  return result.ok && row?.expiresAt ? Math.min(until, new Date(row.expiresAt).getTime()) : until;
}

export class TokenMemory {
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly cache = new Map<string, { result: AuthResult; until: number }>();
  private readonly rejectedWritten = new Map<string, number>();
  /** Counts forget() calls: a lookup begun before one must not cache what it read (it may predate a revocation). */
  epoch = 0;

  /** The cached verdict for `tokenHash` until its time (settle()); undefined otherwise. */
  cached(tokenHash: string, now: Date): AuthResult | undefined {
    const hit = this.cache.get(tokenHash);
    return hit && hit.until > now.getTime() ? hit.result : undefined;
  }

  /**
   * Records a verdict: cached anew until `until` (ms; default AUTH_CACHE_MS on) unless it came from the cache,
   * or its lookup began at an `epoch` before the last forget().
   */
  settle(tokenHash: string, result: AuthResult, fromCache: boolean, now: Date, epoch = this.epoch, until = now.getTime() + AUTH_CACHE_MS): AuthResult {
    if (!fromCache && epoch === this.epoch) {
      if (this.cache.size >= AUTH_CACHE_MAX) this.cache.clear();
      this.cache.set(tokenHash, { result, until });
    }
    return result;
  }

  /**
   * The token id whose rejectedAt is due a write for this verdict (a revoked or expired token not written by
   * this core within REJECTION_EVERY_MS), claimed at once; null otherwise. Cached verdicts count too.
   */
  rejectionDue(result: AuthResult, now: Date): string | null {
    if (result.ok || result.reason === "unknown") return null;
    if (now.getTime() - (this.rejectedWritten.get(result.tokenId) ?? 0) <= REJECTION_EVERY_MS) return null;
    if (this.rejectedWritten.size >= AUTH_CACHE_MAX) this.rejectedWritten.clear();
    this.rejectedWritten.set(result.tokenId, now.getTime());
    return result.tokenId;
  }

  /** A rejectedAt write that failed: due again at the token's next rejection. */
  unrejected(tokenId: string): void {
    this.rejectedWritten.delete(tokenId);
  }

  /** Whether the token's lastUsedAt is due a write (none within LAST_USED_EVERY_MS). */
  touchDue(tokenId: string, now: Date): boolean {
    return now.getTime() - (this.lastUsedWritten.get(tokenId) ?? 0) > LAST_USED_EVERY_MS;
  }

  touched(tokenId: string, now: Date): void {
    this.lastUsedWritten.set(tokenId, now.getTime());
  }

  /** A lastUsedAt write that failed: due again at the next lookup. */
  untouched(tokenId: string): void {
    this.lastUsedWritten.delete(tokenId);
  }

  forget(): void {
    this.epoch++;
    this.cache.clear();
  }

}

/** The part of agent auth both stores answer from their TokenMemory alone (agent-auth.ts, postgres/agent-auth.ts). */
export abstract class RememberedTokens {
  protected readonly memory = new TokenMemory();

  /** Revocation and rotation call this so they take effect at once in this process. */
  forgetTokens(): void {
    this.memory.forget();
  }
}
