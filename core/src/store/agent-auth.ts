// Agent token authentication on the fast connection: token hash → project,
// a short cache, and the memory of which project's agent last came with a
// revoked or expired token (sweep-reads.ts words a silence with it).
import type Sqlite from "better-sqlite3";
import { storeTime } from "./time.ts";
import { AUTH_SQL, prepareAll } from "./fast-sql.ts";

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

const LAST_USED_EVERY_MS = 60_000;
// Another core process sharing the file sees a revocation within this long.
const AUTH_CACHE_MS = 2_000;
const AUTH_CACHE_MAX = 10_000;

export class AgentAuth {
  private readonly stmts;
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly cache = new Map<string, { result: AuthResult; until: number }>();
  private readonly rejections = new Map<string, TokenRejection>();

  constructor(db: Sqlite.Database) {
    this.stmts = prepareAll(db, AUTH_SQL);
  }

  /** `tokenHash`: SHA-256 hex of the bearer token. Cached for AUTH_CACHE_MS. */
  authenticate(tokenHash: string, now = new Date()): AuthResult {
    const cached = this.cache.get(tokenHash);
    const result = cached && cached.until > now.getTime() ? cached.result : this.lookup(tokenHash, now);
    if (result !== cached?.result) {
      if (this.cache.size >= AUTH_CACHE_MAX) this.cache.clear();
      this.cache.set(tokenHash, { result, until: now.getTime() + AUTH_CACHE_MS });
    }
    if (!result.ok && result.reason !== "unknown") this.rejections.set(result.projectId, { at: now, reason: result.reason });
    return result;
  }

  /** Revocation and rotation call this so they take effect at once in this process. */
  forgetTokens(): void {
    this.cache.clear();
  }

  /** The last time the project's agent came with a revoked or expired token: the likely cause of its silence. */
  lastRejection(projectId: string): TokenRejection | null {
    return this.rejections.get(projectId) ?? null;
  }

  /** Projects whose agent came with a revoked or expired token after `at` (the sweeper words their silence anew). */
  rejectedSince(at: Date): string[] {
    return [...this.rejections].filter(([, r]) => r.at > at).map(([projectId]) => projectId);
  }

  private lookup(tokenHash: string, now: Date): AuthResult {
    const row = this.stmts.token.get(tokenHash) as
      | { id: string; projectId: string; revokedAt: string | null; expiresAt: string | null; heartbeatGraceSeconds: number }
      | undefined;
    if (!row) return { ok: false, reason: "unknown" };
    if (row.revokedAt) return { ok: false, reason: "revoked", projectId: row.projectId };
    if (row.expiresAt && Date.parse(row.expiresAt) <= now.getTime()) return { ok: false, reason: "expired", projectId: row.projectId };
    const last = this.lastUsedWritten.get(row.id) ?? 0;
    if (now.getTime() - last > LAST_USED_EVERY_MS) {
      try {
        this.stmts.touchToken.run(storeTime(now), row.id);
        this.lastUsedWritten.set(row.id, now.getTime());
      } catch (err) {
        if ((err as { code?: string }).code !== "SQLITE_BUSY") throw err; // lastUsedAt is advisory: try next time
      }
    }
    return { ok: true, agent: { tokenId: row.id, projectId: row.projectId, heartbeatGraceSeconds: row.heartbeatGraceSeconds } };
  }
}
