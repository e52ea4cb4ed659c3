// The outside-write check (outside-write.ts) on Litestream 0.5, whose position
// is the database's TXID (`litestream_txid`, or the local level 0 without metrics).
// 0.5 itself does not notice a main file rewritten under it: its verify step
// (db.go, v0.5.16, verifyWithExecutor) compares only the WAL (header salts, the
// last page against the last LTX file), never the main file. Its checkpoints
// move the TXID, as 0.3's did the position: every checkpoint bumps
// `_litestream_seq` (checkpointWithExecutor → bumpLitestreamSeq), a WAL write the
// next sync (1 s) turns into an LTX file. So a main file that changed while the
// TXID stayed put for the window was written by something else.
// 0.5 has no generations: the replica matches the file again once a snapshot
// (level 9, read from the whole database: db.Snapshot → SnapshotReader) past
// the flagged TXID is stored, or when the database's TXID goes back (a restore,
// a new database, Litestream's local state reset: a new history).
//
//   LTX_RULES: PositionRules<TxidKey>
//   initialOutsideWriteLtx: OutsideWriteState<TxidKey>
//   outsideWriteLtxMessage(state, file: string): string | null   pure
import path from "node:path";
import type { OutsideWriteState, PositionRules } from "./outside-write.ts";
import { txidLabel } from "../litestream/txid-label.ts";

export interface TxidKey {
  /** The database's TXID. */
  txid: number;
  /** The replica's newest snapshot's max TXID as last read (null: none, or not read yet). */
  snapshotTxid: number | null;
}

export const LTX_RULES: PositionRules<TxidKey> = {
  same: (a, b) => a.txid === b.txid,
  renewed: (flagged, now) => now.txid < flagged.txid || (now.snapshotTxid !== null && now.snapshotTxid > flagged.txid),
};

export const initialOutsideWriteLtx: OutsideWriteState<TxidKey> = { stamp: null, position: null, changedAt: null, positionBefore: null, flagged: null };

export function outsideWriteLtxMessage(state: OutsideWriteState<TxidKey>, file: string): string | null {
  const f = state.flagged;
  if (!f) return null;
  const txid = txidLabel(f.position.txid);
  return (
    `${path.basename(file)} changed on disk but Litestream's TXID did not move for ${f.seconds}s (TXID ${txid}): ` +
    `the file was rewritten outside SQLite (copied over?), seen ${f.at.toISOString()}. Litestream 0.5 follows only the WAL, so the replica no longer matches ${file} ` +
    `and a restore gives the old content (with any later pages on top); if the new file is the one to keep, have Litestream snapshot it ` +
    `(\`litestream replicate -once -force-snapshot\`): this error ends when a snapshot past TXID ${txid} is stored`
  );
}
