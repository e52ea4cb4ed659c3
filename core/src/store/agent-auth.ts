// Agent token authentication on the fast connection: token hash → project,
// a short cache, and the memory of which project's agent last came with a
// revoked or expired token (token-memory.ts, shared with postgres/agent-auth.ts).
import type Sqlite from "better-sqlite3";
import { storeTime } from "./time.ts";
import { AUTH_SQL, prepareAll } from "./fast-sql.ts";
import { TokenMemory, tokenVerdict, type AuthResult, type TokenRejection, type TokenRow } from "./token-memory.ts";
import type { AgentAuthPart } from "./fast-path-types.ts";

export type { AgentIdentity, AuthResult, TokenRejection } from "./token-memory.ts";

export class AgentAuth implements AgentAuthPart {
  private readonly stmts;
  private readonly memory = new TokenMemory();

  constructor(db: Sqlite.Database) {
    this.stmts = prepareAll(db, AUTH_SQL);
  }

  /** `tokenHash`: SHA-256 hex of the bearer token. Cached for AUTH_CACHE_MS. */
  authenticate(tokenHash: string, now = new Date()): AuthResult {
    const cached = this.memory.cached(tokenHash, now);
    return this.memory.settle(tokenHash, cached ?? this.lookup(tokenHash, now), cached !== undefined, now);
  }

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

  private lookup(tokenHash: string, now: Date): AuthResult {
    const result = tokenVerdict(this.stmts.token.get(tokenHash) as TokenRow | undefined, now);
    if (result.ok && this.memory.touchDue(result.agent.tokenId, now)) {
      try {
        this.stmts.touchToken.run(storeTime(now), result.agent.tokenId);
        this.memory.touched(result.agent.tokenId, now);
      } catch (err) {
        if ((err as { code?: string }).code !== "SQLITE_BUSY") throw err; // lastUsedAt is advisory: try next time
      }
    }
    return result;
  }
}
