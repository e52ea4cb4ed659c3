// Was the main database file rewritten outside SQLite (`cp edited.sqlite3
// app.sqlite3` over a live database: same inode, new content)? With Litestream
// running, only a checkpoint writes the main file, and every checkpoint moves
// Litestream's position: it writes to the WAL in the same sync
// (`_litestream_seq`) and copies that to the shadow WAL within one monitor
// interval (1 s). So a main file that changed while the position stayed put for
// `windowMs` was written by something else. The replica then no longer matches
// the file, so the error stays until Litestream starts a new generation.
// The step is generic over the position (`rules`): 0.5's TXID uses it too (outside-write-ltx.ts).
//
//   stepOutsideWrite<P>(state: OutsideWriteState<P>, obs: OutsideWriteObservation<P>, rules = GENERATION_RULES): OutsideWriteState<P>   pure
//   outsideWriteMessage(state, file: string, metaDir: string): string | null                      pure
//   outsideWriteWindowMs(sampleIntervalMs: number): number                                        pure
import path from "node:path";

export interface ShadowKey {
  generation: string;
  index: number;
  offset: number;
}

export interface OutsideWriteState<P = ShadowKey> {
  /** Main file stamp (inode:size:mtime) and the database's position at the previous sample. */
  stamp: string | null;
  position: P | null;
  /** When a main-file change was first seen that the position has not followed yet, and the position before it. */
  changedAt: Date | null;
  positionBefore: P | null;
  /** Set once judged a write from outside: when, and the position it was stuck at. */
  flagged: { at: Date; seconds: number; position: P } | null;
}

export interface OutsideWriteObservation<P = ShadowKey> {
  now: Date;
  stamp: string | null;
  position: P | null;
  /** Litestream is running and reporting: only then must a checkpoint move the position. */
  litestreamLive: boolean;
  windowMs: number;
}

/** How a Litestream line's position compares: `same` (did it move?) and `renewed` (the replica matches the file again: a new history). */
export interface PositionRules<P> {
  same(a: P, b: P): boolean;
  renewed(flagged: P, now: P): boolean;
}

export const initialOutsideWrite: OutsideWriteState = { stamp: null, position: null, changedAt: null, positionBefore: null, flagged: null };

export function outsideWriteWindowMs(sampleIntervalMs: number): number {
  return Math.max(10_000, 3 * sampleIntervalMs);
}

/** 0.3: a new generation snapshots the file as it is now, so the replica matches it again. */
export const GENERATION_RULES: PositionRules<ShadowKey> = {
  same: (a, b) => a.generation === b.generation && a.index === b.index && a.offset === b.offset,
  renewed: (flagged, now) => now.generation !== flagged.generation,
};

export function stepOutsideWrite<P = ShadowKey>(
  state: OutsideWriteState<P>,
  obs: OutsideWriteObservation<P>,
  rules: PositionRules<P> = GENERATION_RULES as unknown as PositionRules<P>,
): OutsideWriteState<P> {
  const same = (a: P | null, b: P | null) => (a && b ? rules.same(a, b) : a === b);
  const flagged = state.flagged && obs.position && rules.renewed(state.flagged.position, obs.position) ? null : state.flagged;
  const base = { stamp: obs.stamp, position: obs.position, flagged };
  if (!obs.litestreamLive || !obs.position || !obs.stamp || flagged) return { ...base, changedAt: null, positionBefore: null };
  let changedAt = state.changedAt;
  let positionBefore = state.positionBefore;
  if (!changedAt && state.stamp && state.position && obs.stamp !== state.stamp) {
    changedAt = obs.now;
    positionBefore = state.position;
  }
  if (!changedAt) return { ...base, changedAt: null, positionBefore: null };
  if (!same(obs.position, positionBefore)) return { ...base, changedAt: null, positionBefore: null };
  const ms = obs.now.getTime() - changedAt.getTime();
  if (ms < obs.windowMs) return { ...base, changedAt, positionBefore };
  return { ...base, changedAt: null, positionBefore: null, flagged: { at: obs.now, seconds: Math.round(ms / 1000), position: obs.position } };
}

export function outsideWriteMessage(state: OutsideWriteState, file: string, metaDir: string): string | null {
  const f = state.flagged;
  if (!f) return null;
  const name = path.basename(file);
  return (
    `${name} changed on disk but Litestream's position did not move for ${f.seconds}s (generation ${f.position.generation}, index ${f.position.index}, offset ${f.position.offset}): ` +
    `the file was rewritten outside SQLite (copied over?), seen ${f.at.toISOString()}. The replica no longer matches ${file} and a restore gives the old content; ` +
    `if the new file is the one to keep, stop the agent, delete ${metaDir} and start it again so Litestream starts a new generation from it`
  );
}
