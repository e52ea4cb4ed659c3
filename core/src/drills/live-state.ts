// What the agent last said about the live database, for comparing a restore
// with it: its position (0.3 generation, index, offset; 0.5 TXID; from the
// Database row), the drilled replica's position (its first replica's row: 0.5,
// the newest LTX file's max TXID) with when that heartbeat arrived, and when it
// highest TXID the replica was reported to reach in the database's current history
// (Replica.highTxid, store/replica-high-mark.ts), and when it last saw the file change (`changedAt`, kept only in the newest heartbeat's payload), and
// the snapshot retention it reported (0.5: `snapshot.retentionSeconds`, seconds, schema-checked at ingest).
//
//   liveState(store, database: { projectId, name, position, replicas? }): Promise<LiveState>
import type { Position } from "../protocol.ts";
import type { Store } from "../store/db.ts";
import { parseJson } from "../store/json.ts";

export interface LiveState {
  position: Position | null;
  changedAt: Date | null;
  /** The drilled replica (the database's first) as the latest heartbeat reported it; null when never reported. */
  replica: { position: Position; seenAt: Date } | null;
  /** The drilled replica's TXID high mark, first seen at `seenAt`; null when none (0.3, or never reported). */
  replicaHigh: { txid: number; seenAt: Date | null } | null;
  /** Reported as data: ltx-check.ts snapshotRetention bounds it again. */
  snapshotRetentionSeconds: unknown;
}

export async function liveState(
  store: Store,
  database: { projectId: string; name: string; position: string | null; replicas?: { position: string | null; updatedAt: Date; highTxid?: bigint | null; highTxidAt?: Date | null }[] },
): Promise<LiveState> {
  const position = parseJson<Position | null>(database.position, null);
  const first = database.replicas?.[0];
  const replicaPosition = first ? parseJson<Position | null>(first.position, null) : null;
  const replica = first && replicaPosition ? { position: replicaPosition, seenAt: first.updatedAt } : null;
  const high = first?.highTxid ?? null;
  const replicaHigh = high !== null && high >= 0n && high <= BigInt(Number.MAX_SAFE_INTEGER) ? { txid: Number(high), seenAt: first?.highTxidAt ?? null } : null;
  const heartbeat = await store.heartbeat.findFirst({ where: { projectId: database.projectId }, orderBy: { receivedAt: "desc" }, select: { payload: true } });
  const payload = parseJson<{ databases?: { name?: string; changedAt?: string | null; snapshot?: { retentionSeconds?: unknown } }[] } | null>(heartbeat?.payload ?? null, null);
  const reported = payload?.databases?.find((d) => d.name === database.name);
  const raw = reported?.changedAt ?? null;
  const changedAt = raw ? new Date(raw) : null;
  return { position, changedAt: changedAt && !Number.isNaN(changedAt.getTime()) ? changedAt : null, replica, replicaHigh, snapshotRetentionSeconds: reported?.snapshot?.retentionSeconds ?? null };
}
