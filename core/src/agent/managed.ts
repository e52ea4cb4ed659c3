// Managed mode: the core hands out the replica (its bucket, this project's
// prefix, credentials that reach only that prefix and may expire). Pure
// functions over the core's answer. `storage: null` means the core has no
// managed storage (NO_STORAGE_ERROR); a core that has storage but neither a
// role to assume nor keys attached to this project answers 409 with what the
// operator must do, which the agent reports as its error and keeps asking.
//
//   managedTargets(databases, storage): Map<database name, ReplicaTarget>   `<urlPrefix>/<name>` per database
//     (the agent builds no prefix: the core's storage/managed-replica.ts does, and joins names the same way)
//   credentialRefreshDelayMs(expiresAt: string | null, now: Date, periodicMs?): number
//   sameTargets(a, b): boolean
import type { AgentConfigResponse } from "../protocol.ts";
import { joinReplicaUrl, parseReplicaUrl, type ReplicaTarget } from "../litestream/replica-url.ts";

export type ManagedStorage = NonNullable<AgentConfigResponse["storage"]>;

export const NO_STORAGE_ERROR = "no replica configured: set BORELA_REPLICA_URL or configure BORELA_S3_* on the core";

export function managedTargets(names: string[], storage: ManagedStorage): Map<string, ReplicaTarget> {
  const targets = new Map<string, ReplicaTarget>();
  for (const name of names) {
    const url = joinReplicaUrl(storage.urlPrefix, name);
    const parsed = parseReplicaUrl(url);
    if (parsed.type !== "s3") throw new Error(`the core's storage prefix ${storage.urlPrefix} is not an s3:// URL`);
    targets.set(name, {
      ...parsed,
      endpoint: storage.endpoint ?? parsed.endpoint,
      region: storage.region || parsed.region,
      forcePathStyle: storage.forcePathStyle,
      credentials: {
        accessKeyId: storage.accessKeyId,
        secretAccessKey: storage.secretAccessKey,
        sessionToken: storage.sessionToken,
        expiresAt: storage.expiresAt,
      },
      url,
    });
  }
  return targets;
}

/**
 * When to ask the core again: before expiring credentials run out (a quarter of
 * their remaining life early, at most 5 minutes, at least 5 seconds from now),
 * else periodically to notice changed settings.
 */
export function credentialRefreshDelayMs(expiresAt: string | null, now: Date, periodicMs = 10 * 60_000): number {
  if (!expiresAt) return periodicMs;
  const remaining = new Date(expiresAt).getTime() - now.getTime();
  if (!Number.isFinite(remaining)) return periodicMs;
  const margin = Math.min(5 * 60_000, Math.max(0, remaining) / 4);
  return Math.max(5_000, Math.min(periodicMs, remaining - margin));
}

export function sameTargets(a: Map<string, ReplicaTarget> | null, b: Map<string, ReplicaTarget> | null): boolean {
  if (!a || !b) return a === b;
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}
