// Where the database and a replica stand, from what Litestream's metrics say at
// one sample, as WAL points pending.ts and stuck.ts compare (pure, no I/O).
//
//   livePoints(live, shadow, replicaName): { database, replica } | null   Litestream 0.3
//   txidPoints(live, stored): { database, replica } | null                Litestream 0.5
import type { DatabaseMetrics } from "../litestream/metrics.ts";
import type { ShadowPosition } from "../litestream/shadow-wal.ts";
import type { Position } from "../protocol.ts";
import type { WalPoint } from "./pending.ts";

/** The database's point is its current shadow WAL file, read from disk: never `litestream_shadow_wal_size` (a total over all files). */
export function livePoints(live: DatabaseMetrics | null, shadow: ShadowPosition | null, name: string): { database: WalPoint; replica: WalPoint } | null {
  if (live?.txid != null) return null; // Litestream 0.5: see txidPoints
  const r = live?.replicas.get(name);
  if (!live || !r || !shadow || r.walIndex === null || r.walOffset === null) return null;
  return { database: { index: shadow.index, offset: shadow.offset }, replica: { index: r.walIndex, offset: r.walOffset } };
}

/**
 * Litestream 0.5: the database's TXID (litestream_txid) against the replica's newest LTX max TXID read
 * from storage at this step, as { index: 0, offset: txid } (see ltx-state.ts). While litestream_txid is 0,
 * the newest TXID in Litestream's local L0 (`localTxid`, local-ltx.ts) stands for the database; null when
 * neither is known, or without metrics (Litestream not running).
 */
export function txidPoints(live: DatabaseMetrics | null, stored: Position | null | undefined, localTxid: number | null = null): { database: WalPoint; replica: WalPoint } | null {
  // 0: a Litestream just (re)started has not synced the database yet (the gauge's zero value), not a database that
  // went back. Its local L0 still holds what it had synced: without it, a storage advance by the first upload after
  // a restart counted as the replica catching up with every change seen (a tester: "replicas caught up" at TXID
  // 318 of 353, the error's resolution sent a heartbeat early).
  const txid = live ? databaseTxid(live, localTxid) : null;
  if (!txid || stored === undefined) return null;
  return { database: { index: 0, offset: txid }, replica: { index: 0, offset: stored?.offset ?? 0 } };
}

/** Litestream 0.5: the database's TXID as Litestream's metrics say it, or its local L0 while the metric reads 0; null when neither is known. */
export function databaseTxid(live: DatabaseMetrics | null, localTxid: number | null): number | null {
  return live?.txid || localTxid || null;
}
