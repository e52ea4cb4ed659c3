// Agent token authentication on the fast connection: token hash → project, a short cache
// (token-memory.ts, shared with postgres/agent-auth.ts), and the rejected token's rejectedAt.
import type Sqlite from "better-sqlite3";
import { storeTime } from "./time.ts";
import { isSqliteBusy } from "./sqlite-busy.ts";
import { AUTH_SQL, prepareAll } from "./fast-sql.ts";
import { TOKEN_REJECTION_SQL } from "./token-rejection-sql.ts";
import { RememberedTokens, tokenVerdict, type AuthResult, type TokenRow } from "./token-memory.ts";
import type { AgentAuthPart } from "./fast-path-types.ts";

export type { AgentIdentity, AuthResult, TokenRejection } from "./token-memory.ts";

export class AgentAuth extends RememberedTokens implements AgentAuthPart {
  private readonly stmts;
  private readonly rejectToken;

  constructor(db: Sqlite.Database) {
    super();
    this.stmts = prepareAll(db, AUTH_SQL);
    this.rejectToken = db.prepare(TOKEN_REJECTION_SQL.reject);
  }

  /** `tokenHash`: SHA-256 hex of the bearer token. Cached for AUTH_CACHE_MS. */
  authenticate(tokenHash: string, now = new Date()): AuthResult {
    const cached = this.memory.cached(tokenHash, now);
    const result = this.memory.settle(tokenHash, cached ?? this.lookup(tokenHash, now), cached !== undefined, now);
    const rejected = this.memory.rejectionDue(result, now);
    if (rejected) this.advisory(() => this.rejectToken.run(storeTime(now), rejected), () => this.memory.unrejected(rejected));
    return result;
  }

  /** Runs an advisory write; a busy store calls `busy` instead (due again next time). */
  private advisory(write: () => void, busy: () => void): void {
    try {
      write();
    } catch (err) {
      if (!isSqliteBusy(err)) throw err;
      busy();
    }
  }

  private lookup(tokenHash: string, now: Date): AuthResult {
    const result = tokenVerdict(this.stmts.token.get(tokenHash) as TokenRow | undefined, now);
    if (result.ok && this.memory.touchDue(result.agent.tokenId, now)) {
      const id = result.agent.tokenId;
      this.advisory(() => (this.stmts.touchToken.run(storeTime(now), id), this.memory.touched(id, now)), () => undefined);
    }
    return result;
  }
}
