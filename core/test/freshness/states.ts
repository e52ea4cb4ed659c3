// A database as the freshness functions read it, healthy unless told otherwise: a heartbeat 10 s before `now`,
// one replica caught up with a snapshot an hour old, thresholds of 5 min (stale) and 2 min (heartbeat grace).
import type { DatabaseState, ReplicaState } from "../../src/freshness/status.ts";

export const now = new Date("2026-11-25T12:00:00Z");
export const ago = (s: number) => new Date(now.getTime() - s * 1000);
export const t = { staleAfterSeconds: 300, heartbeatGraceSeconds: 120 };

export function rep(over: Partial<ReplicaState> & { url: string }): ReplicaState {
  return { pendingSince: null, lastError: null, hasPosition: true, lastSnapshotAt: ago(3600), ...over };
}

export function db(over: Partial<DatabaseState> = {}): DatabaseState {
  return {
    name: "app",
    path: "/data/app.sqlite3",
    lastHeartbeatAt: ago(10),
    exists: true,
    errors: [],
    missedHeartbeats: 0,
    replicas: [rep({ url: "s3://bucket/app", pendingSince: null, lastError: null })],
    ...over,
  };
}
