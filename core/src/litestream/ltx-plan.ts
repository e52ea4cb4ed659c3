// What `litestream restore` 0.5 of an LTX replica restores, decided from the
// listing alone, so a drill verifies exactly the files the restore will apply.
// The rules, read from Litestream v0.5.16 replica.go (CalcRestorePlan,
// restoreLevelCursor, restoreCandidateBetter):
//
// - snapshot: the last level-9 file in name order (by min, then max TXID)
//   created strictly before the timestamp (any, without one). None is allowed:
//   the chain then has to start at TXID 1.
// - chain: from the snapshot's max TXID, repeatedly take, among files of levels
//   8..0 that start at or before max+1 and end beyond it (and were created
//   before the timestamp), the one reaching furthest (ties: lower min TXID,
//   then higher level, then created first).
// - latest restore: when the chain stops while some level still has a file
//   starting past max+1, litestream fails ("non-contiguous ltx files").
//   A point-in-time restore does not: it silently restores the state before
//   the gap. Borela reports that gap as a failure too (`gap`).
//
// - no chain at all (no snapshot, no file from TXID 1): litestream fails with
//   "no matching backup files available" (0.5.16's words, also for an empty
//   replica and for a timestamp before every file).
//
//   planLtxRestore(files: LtxFile[], options?: { timestamp?: Date | null }): LtxPlanResult   pure
import { SNAPSHOT_LEVEL, type LtxFile } from "./client/replica-client.ts";

export interface LtxRestorePlan {
  snapshot: LtxFile | null;
  /** Every file the restore applies, in order, the snapshot first. */
  files: LtxFile[];
  /** The TXID the restored database ends at. */
  maxTXID: number;
  timestamp: Date | null;
}

export type LtxPlanResult = { ok: true; plan: LtxRestorePlan } | { ok: false; reason: string };

const txid = (n: number) => n.toString(16).padStart(16, "0");

/**
 * What `litestream restore` 0.5.16 prints when no chain can start: no LTX file, or no snapshot and no file
 * from TXID 1 (at a timestamp: none created before it). Checked against the real binary (ltx-quoted-errors.test.ts).
 */
export const NO_BACKUP_FILES = "no matching backup files available";
/** `<level>/<name>`, how reports name a file. */
export const ltxLabel = (f: LtxFile) => `level ${f.level} ${f.name}`;

const byName = (a: LtxFile, b: LtxFile) => a.minTXID - b.minTXID || a.maxTXID - b.maxTXID;

function better(current: LtxFile, next: LtxFile): boolean {
  if (next.maxTXID !== current.maxTXID) return next.maxTXID > current.maxTXID;
  if (next.minTXID !== current.minTXID) return next.minTXID < current.minTXID;
  if (next.level !== current.level) return next.level > current.level;
  return next.createdAt < current.createdAt;
}

/** Files of one level in name order, with the best candidate to extend the chain. */
class LevelCursor {
  private i = 0;
  candidate: LtxFile | null = null;
  constructor(private readonly files: LtxFile[]) {}

  refresh(currentMax: number, timestamp: Date | null): void {
    if (this.candidate && this.candidate.maxTXID <= currentMax) this.candidate = null;
    while (this.i < this.files.length) {
      const f = this.files[this.i];
      if (f.minTXID > currentMax + 1) return;
      this.i++;
      if (f.maxTXID <= currentMax) continue;
      if (timestamp && !(f.createdAt < timestamp)) continue;
      if (!this.candidate || better(this.candidate, f)) this.candidate = f;
    }
  }

  /** The next file not yet looked at. */
  pending(): LtxFile | null {
    return this.files[this.i] ?? null;
  }
}

export function planLtxRestore(files: LtxFile[], options: { timestamp?: Date | null } = {}): LtxPlanResult {
  const timestamp = options.timestamp ?? null;
  const at = timestamp ? ` before ${timestamp.toISOString()}` : "";
  let snapshot: LtxFile | null = null;
  for (const f of files.filter((x) => x.level === SNAPSHOT_LEVEL).sort(byName)) {
    if (timestamp && !(f.createdAt < timestamp)) continue;
    snapshot = f;
  }
  const chain: LtxFile[] = snapshot ? [snapshot] : [];
  let currentMax = snapshot?.maxTXID ?? 0;
  const cursors: LevelCursor[] = [];
  for (let level = SNAPSHOT_LEVEL - 1; level >= 0; level--) cursors.push(new LevelCursor(files.filter((f) => f.level === level).sort(byName)));
  for (let guard = 0; guard <= files.length; guard++) {
    let next: LevelCursor | null = null;
    for (const c of cursors) {
      c.refresh(currentMax, timestamp);
      if (c.candidate && (!next || better(next.candidate!, c.candidate))) next = c;
    }
    if (!next) break;
    chain.push(next.candidate!);
    currentMax = next.candidate!.maxTXID;
    next.candidate = null;
  }
  if (chain.length === 0) {
    const first = files.filter((f) => f.level < SNAPSHOT_LEVEL && (!timestamp || f.createdAt < timestamp)).sort(byName)[0];
    const why = first ? `no snapshot (level ${SNAPSHOT_LEVEL})${at}, and the oldest LTX file ${ltxLabel(first)} does not start at TXID 1` : `no LTX file${at}`;
    return { ok: false, reason: `${why}: litestream restore fails with "${NO_BACKUP_FILES}"` };
  }
  // The first file past the chain's end that starts beyond it: a latest restore fails on it, a point-in-time one stops before it.
  let gap: LtxFile | null = null;
  for (const c of cursors) {
    const f = c.pending();
    if (f && f.minTXID > currentMax + 1 && (!timestamp || f.createdAt < timestamp) && (!gap || f.minTXID < gap.minTXID)) gap = f;
  }
  if (gap) {
    const missing = `TXIDs ${txid(currentMax + 1)}–${txid(gap.minTXID - 1)} are missing: the chain ends at ${ltxLabel(chain.at(-1)!)} and the next file is ${ltxLabel(gap)}`;
    return {
      ok: false,
      reason: timestamp
        ? `${missing}; litestream restore -timestamp would silently restore the state at TXID ${txid(currentMax)} instead`
        : `${missing}; litestream restore fails with "non-contiguous ltx files"`,
    };
  }
  return { ok: true, plan: { snapshot, files: chain, maxTXID: currentMax, timestamp } };
}
