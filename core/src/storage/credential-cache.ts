// Scoped credentials remembered per agent token and session policy, so GET /api/v1/agent/config does
// not make an STS AssumeRole (signed with the operator's keys, against the account's STS quota) on
// every call: an answer is handed out again until REUSE_MARGIN_MS before it expires, and calls that
// arrive while one AssumeRole is under way share it. The key holds the project, the token (a rotated
// token starts afresh), and the role, endpoint, bucket and prefix (a changed prefix or role starts
// afresh). A failed AssumeRole is not remembered.
//
//   reusable(creds, nowMs, marginMs?): boolean                  pure: may this answer be handed out again
//   credentialCacheKey(projectId, tokenId, s3, prefix): string   pure
//   new ScopedCredentialCache(maxEntries?).get(key, nowMs, assume): Promise<ReplicaCredentials>
import type { S3Settings } from "../config.ts";
import type { ReplicaCredentials } from "./scoped-credentials.ts";

/**
 * With the 1-hour AssumeRole the core asks for, an answer is reused for its first 45 minutes: an agent
 * handed one with at least 15 minutes left waits 10 minutes before asking again (agent/managed.ts
 * credentialRefreshDelayMs), so it never gets the same nearly-expired keys in a loop.
 */
export const REUSE_MARGIN_MS = 15 * 60_000;

/** True when `creds` expire more than `marginMs` after `nowMs` (ms since the epoch); never for credentials without an expiry. */
export function reusable(creds: ReplicaCredentials, nowMs: number, marginMs = REUSE_MARGIN_MS): boolean {
  return creds.expiresAt !== null && creds.expiresAt.getTime() - nowMs > marginMs;
}

/** The cache key: project, agent token id, and what shapes the session (role ARN, endpoint, bucket, prefix). */
export function credentialCacheKey(projectId: string, tokenId: string, s3: S3Settings, prefix: string): string {
  return JSON.stringify([projectId, tokenId, s3.roleArn, s3.endpoint, s3.bucket, prefix]);
}

type Entry = { creds: ReplicaCredentials } | { pending: Promise<ReplicaCredentials> };

export class ScopedCredentialCache {
  private readonly entries = new Map<string, Entry>();

  /** `maxEntries`: past it, expired answers are dropped, then the oldest. */
  constructor(private readonly maxEntries = 10_000) {}

  /** The remembered answer for `key` while reusable at `nowMs`, the one under way, else `assume()`'s (its error thrown as is, not remembered). */
  get(key: string, nowMs: number, assume: () => Promise<ReplicaCredentials>): Promise<ReplicaCredentials> {
    const entry = this.entries.get(key);
    if (entry && "pending" in entry) return entry.pending;
    if (entry && reusable(entry.creds, nowMs)) return Promise.resolve(entry.creds);
    const pending = assume().then(
      (creds) => {
        if (this.entries.get(key) === record) this.entries.set(key, { creds });
        return creds;
      },
      (err: unknown) => {
        if (this.entries.get(key) === record) this.entries.delete(key);
        throw err;
      },
    );
    const record: Entry = { pending };
    this.entries.delete(key);
    this.entries.set(key, record);
    this.prune(nowMs);
    return pending;
  }

  /** Entries held (answers and calls under way). */
  get size(): number {
    return this.entries.size;
  }

  private prune(nowMs: number): void {
    if (this.entries.size <= this.maxEntries) return;
    for (const [key, e] of this.entries) if ("creds" in e && !reusable(e.creds, nowMs)) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
