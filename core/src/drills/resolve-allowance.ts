// How many file system calls one project's heartbeats may spend resolving their file replica paths
// (replica-claim-records.ts fileReplicaPlaces), as a token bucket per project: each heartbeat may take up to
// HEARTBEAT_RESOLVE_CALLS, but a project's heartbeats together no more than PROJECT_RESOLVE_CALLS_PER_MINUTE.
// An honest agent spends one to five calls per replica per heartbeat; a tester's one token sending 32
// databases × 8 new, deep, missing paths at its rate limit kept a CPU of the core busy (56 s in 60 s), its
// refused heartbeats included. A path the allowance cuts short gets no place that heartbeat; a later one
// records it.
//
//   refill(bucket, now, capacity, perMinute): Bucket   pure
//   createResolveAllowance(options?): ResolveAllowance   the per-project buckets of one core (in memory)
//   placesWithin(allowance, projectId, hb): Promise<{ places, given, spent }>   fileReplicaPlaces within them
import type { HeartbeatPayload } from "../protocol.ts";
import type { ReplicaPlaces } from "../store/fast-path-types.ts";
import { fileReplicaPlaces, HEARTBEAT_RESOLVE_CALLS } from "./replica-claim-records.ts";

/** Calls a project's heartbeats may spend per minute, and the most a bucket holds. */
export const PROJECT_RESOLVE_CALLS_PER_MINUTE = 4096;

export interface Bucket {
  calls: number;
  /** When `calls` was last brought up to date (ms since the epoch). */
  at: number;
}

/** `bucket` refilled at `perMinute` calls a minute up to `capacity` by `nowMs`; a new bucket (null) is full. */
export function refill(bucket: Bucket | null, nowMs: number, capacity: number, perMinute: number): Bucket {
  if (!bucket) return { calls: capacity, at: nowMs };
  const elapsed = Math.max(0, nowMs - bucket.at);
  return { calls: Math.min(capacity, bucket.calls + (elapsed * perMinute) / 60_000), at: nowMs };
}

export interface ResolveAllowance {
  /** The calls `projectId`'s heartbeat may spend now: at most `perHeartbeat`, at most what its bucket holds. */
  take(projectId: string, perHeartbeat: number): number;
  /** Where this heartbeat's walk over its replicas starts (fileReplicaPlaces `start`): one further each time the project's calls ran short. */
  start(projectId: string): number;
  /** The heartbeat's walk was cut short by its calls: the next one starts `resolved` replicas further on. */
  cutShort(projectId: string, resolved: number): void;
  /** Gives back what a heartbeat did not spend of what take() gave it. */
  giveBack(projectId: string, unspent: number): void;
}

export function createResolveAllowance(options: { perMinute?: number; now?: () => number } = {}): ResolveAllowance {
  const perMinute = options.perMinute ?? PROJECT_RESOLVE_CALLS_PER_MINUTE;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  // Only projects whose calls ran short (a few): their next walk's start.
  const starts = new Map<string, number>();
  return {
    start: (projectId) => starts.get(projectId) ?? 0,
    cutShort(projectId, resolved) {
      starts.set(projectId, (starts.get(projectId) ?? 0) + Math.max(1, resolved));
      if (starts.size > 10_000) starts.clear();
    },
    take(projectId, perHeartbeat) {
      const bucket = refill(buckets.get(projectId) ?? null, now(), perMinute, perMinute);
      const given = Math.max(0, Math.min(perHeartbeat, Math.floor(bucket.calls)));
      bucket.calls -= given;
      // A full bucket is the same as none: only projects spending now are kept.
      if (bucket.calls >= perMinute) buckets.delete(projectId);
      else buckets.set(projectId, bucket);
      return given;
    },
    giveBack(projectId, unspent) {
      const bucket = buckets.get(projectId);
      if (!bucket || unspent <= 0) return;
      bucket.calls = Math.min(perMinute, bucket.calls + unspent);
      if (bucket.calls >= perMinute) buckets.delete(projectId);
    },
  };
}

/**
 * The heartbeat's file replica places (fileReplicaPlaces) within `projectId`'s allowance: it takes at most
 * HEARTBEAT_RESOLVE_CALLS, starts where the project's last walk was cut, and gives back what it did not spend.
 * `given`, `spent`: the calls it was given and spent.
 */
export async function placesWithin(allowance: ResolveAllowance, projectId: string, hb: HeartbeatPayload): Promise<{ places: ReplicaPlaces; given: number; spent: number }> {
  const given = allowance.take(projectId, HEARTBEAT_RESOLVE_CALLS);
  const budget = { calls: given };
  const places = await fileReplicaPlaces(hb, budget, allowance.start(projectId));
  if (budget.calls <= 0) allowance.cutShort(projectId, places.size);
  const unspent = Math.min(given, Math.max(0, budget.calls));
  allowance.giveBack(projectId, unspent);
  return { places, given, spent: given - unspent };
}
