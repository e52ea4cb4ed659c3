// What agent token authentication decides and remembers, whichever store it reads (agent-auth.ts on
// SQLite, postgres/agent-auth.ts): the verdict on a token row, a short cache of verdicts, when the
// advisory lastUsedAt is due again, and which project's agent last came with a revoked or expired
// token (sweep-reads.ts words a silence with it).

export interface AgentIdentity {
  tokenId: string;
  projectId: string;
  /** The project's heartbeat grace (s) at lookup time (cached with the token, AUTH_CACHE_MS). */
  heartbeatGraceSeconds: number;
}

export type AuthResult =
  | { ok: true; agent: AgentIdentity }
  | { ok: false; reason: "unknown" }
  | { ok: false; reason: "revoked" | "expired"; projectId: string };

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
// Another core process sharing the store sees a revocation within this long.
export const AUTH_CACHE_MS = 2_000;
const AUTH_CACHE_MAX = 10_000;

/** The verdict on a token found by its hash (undefined: none); expired when expiresAt <= now. Pure. */
export function tokenVerdict(row: TokenRow | undefined, now: Date): AuthResult {
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked", projectId: row.projectId };
  if (row.expiresAt && new Date(row.expiresAt).getTime() <= now.getTime()) return { ok: false, reason: "expired", projectId: row.projectId };
  return { ok: true, agent: { tokenId: row.id, projectId: row.projectId, heartbeatGraceSeconds: row.heartbeatGraceSeconds } };
}

export class TokenMemory {
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly cache = new Map<string, { result: AuthResult; until: number }>();
  private readonly rejections = new Map<string, TokenRejection>();
  /** Counts forget() calls: a lookup begun before one must not cache what it read (it may predate a revocation). */
  epoch = 0;

  /** The cached verdict for `tokenHash` while younger than AUTH_CACHE_MS; undefined otherwise. */
  cached(tokenHash: string, now: Date): AuthResult | undefined {
    const hit = this.cache.get(tokenHash);
    return hit && hit.until > now.getTime() ? hit.result : undefined;
  }

  /**
   * Records a verdict (cached anew unless it came from the cache, or its lookup began at an `epoch` before
   * the last forget()) and a revoked or expired token's project.
   */
  settle(tokenHash: string, result: AuthResult, fromCache: boolean, now: Date, epoch = this.epoch): AuthResult {
    if (!fromCache && epoch === this.epoch) {
      if (this.cache.size >= AUTH_CACHE_MAX) this.cache.clear();
      this.cache.set(tokenHash, { result, until: now.getTime() + AUTH_CACHE_MS });
    }
    if (!result.ok && result.reason !== "unknown") this.rejections.set(result.projectId, { at: now, reason: result.reason });
    return result;
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

  lastRejection(projectId: string): TokenRejection | null {
    return this.rejections.get(projectId) ?? null;
  }

  rejectedSince(at: Date): string[] {
    return [...this.rejections].filter(([, r]) => r.at > at).map(([projectId]) => projectId);
  }
}

/** The part of agent auth both stores answer from their TokenMemory alone (agent-auth.ts, postgres/agent-auth.ts). */
export abstract class RememberedTokens {
  protected readonly memory = new TokenMemory();

  /** Revocation and rotation call this so they take effect at once in this process. */
  forgetTokens(): void {
    this.memory.forget();
  }

  /** The last time the project's agent came with a revoked or expired token: the likely cause of its silence. */
  lastRejection(projectId: string): TokenRejection | null {
    return this.memory.lastRejection(projectId);
  }

  /** Projects whose agent came with a revoked or expired token after `at` (the sweeper words their silence anew). */
  rejectedSince(at: Date): string[] {
    return this.memory.rejectedSince(at);
  }
}
