// Agent token authentication on the fast connection: token hash → project,
// a short cache, and the memory of which project's agent last came with a
// revoked or expired token (token-memory.ts, shared with postgres/agent-auth.ts).
import type Sqlite from "better-sqlite3";
import { storeTime } from "./time.ts";
import { AUTH_SQL, prepareAll } from "./fast-sql.ts";
import { RememberedTokens, tokenVerdict, type AuthResult, type TokenRow } from "./token-memory.ts";
import type { AgentAuthPart } from "./fast-path-types.ts";

export type { AgentIdentity, AuthResult, TokenRejection } from "./token-memory.ts";

export class AgentAuth extends RememberedTokens implements AgentAuthPart {
  private readonly stmts;

  constructor(db: Sqlite.Database) {
    super();
    this.stmts = prepareAll(db, AUTH_SQL);
  }

  /** `tokenHash`: SHA-256 hex of the bearer token. Cached for AUTH_CACHE_MS. */
  authenticate(tokenHash: string, now = new Date()): AuthResult {
    const cached = this.memory.cached(tokenHash, now);
    return this.memory.settle(tokenHash, cached ?? this.lookup(tokenHash, now), cached !== undefined, now);
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
