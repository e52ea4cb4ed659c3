// The highest TXID a 0.5 replica was reported to reach within the database's
// current history (Replica.highTxid, .highTxidAt), kept by the core from
// heartbeats. The agent re-reads storage on each heartbeat, so once LTX files
// are removed the latest report already shows the lowered TXID; the drill
// (drills/decisions.ts ltxBelowReplica) compares a restore with this mark instead.
import type { Position } from "../protocol.ts";

/** A high mark: TXID and the core's time of the heartbeat that first reported it. */
export interface HighMark {
  txid: number;
  at: string;
}

/**
 * A 0.5 position's TXID as a number the store keeps: `txid`, else `offset`
 * (protocol.ts Position); null for a 0.3 position (a generation), none, or a
 * value that is not a safe integer ≥ 0 (reported values are data: bounded here).
 */
export function reportedTxid(position: Position | null | undefined): number | null {
  if (!position || position.generation !== null) return null;
  const txid = position.txid ?? position.offset;
  return Number.isSafeInteger(txid) && txid >= 0 ? txid : null;
}

/**
 * The mark after a heartbeat. `old`: the stored mark (null: none yet);
 * `replicaTxid`, `databaseTxid`: this heartbeat's (reportedTxid); `at`: its time.
 * The database's TXID below the mark means a new history (the database replaced
 * or restored): the old mark is forgotten and the replica's TXID starts a new one.
 * Else the mark only rises; an equal TXID keeps the time it was first seen.
 */
export function nextHighMark(old: HighMark | null, replicaTxid: number | null, databaseTxid: number | null, at: string): HighMark | null {
  const kept = old && (databaseTxid === null || old.txid <= databaseTxid) ? old : null;
  if (replicaTxid === null) return kept;
  if (kept && kept.txid >= replicaTxid) return kept;
  return { txid: replicaTxid, at };
}
