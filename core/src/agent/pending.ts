// When did a replica start lagging behind its database? `pendingSince` is the
// oldest time the agent saw a database change that this replica has not caught
// up with; null when caught up. An idle database is never pending.
//
//   stepPending(state: PendingState, observation: PendingObservation): PendingState   pure
//   comparePositions(a, b): number   by WAL index, then offset
//
// With Litestream's metrics (live positions): pending iff the replica's
// (index, offset) is behind the database's shadow WAL (index, size).
// Without them (Litestream dead, or observed without an addr): pending iff the
// database's files changed after the replica's stored position last advanced.
import type { Position } from "../protocol.ts";

export interface WalPoint {
  index: number;
  offset: number;
}

export interface PendingState {
  pendingSince: Date | null;
  /** Oldest database change seen since the replica was last known to be caught up (or last advanced). */
  oldestChangeAt: Date | null;
  /** Last position read from storage: null for an empty replica, undefined before the first read. */
  storedPosition: Position | null | undefined;
  storedAdvancedAt: Date | null;
}

export interface PendingObservation {
  now: Date;
  /** The database's files changed since the previous observation. */
  databaseChanged: boolean;
  /** Live positions from Litestream's metrics; null when they are not available. */
  live: { database: WalPoint; replica: WalPoint } | null;
  /** Position read from storage at this step; undefined when storage was not read. */
  stored?: Position | null;
}

export const initialPending: PendingState = { pendingSince: null, oldestChangeAt: null, storedPosition: undefined, storedAdvancedAt: null };

export function comparePositions(a: WalPoint, b: WalPoint): number {
  return a.index !== b.index ? a.index - b.index : a.offset - b.offset;
}

function samePosition(a: Position | null, b: Position | null | undefined): boolean {
  if (!a || !b) return a === b;
  return a.generation === b.generation && a.index === b.index && a.offset === b.offset;
}

export function stepPending(state: PendingState, obs: PendingObservation): PendingState {
  const oldest = state.oldestChangeAt ?? (obs.databaseChanged ? obs.now : null);
  // The first read is a baseline, not progress: nothing says when that position was reached.
  const advanced = obs.stored !== undefined && obs.stored !== null && state.storedPosition !== undefined && !samePosition(obs.stored, state.storedPosition);
  const storedPosition = obs.stored === undefined ? state.storedPosition : obs.stored;
  const storedAdvancedAt = advanced ? obs.now : state.storedAdvancedAt;

  if (obs.live) {
    const behind = comparePositions(obs.live.replica, obs.live.database) < 0;
    if (!behind) return { pendingSince: null, oldestChangeAt: null, storedPosition, storedAdvancedAt };
    const since = state.pendingSince ?? oldest ?? obs.now;
    return { pendingSince: since, oldestChangeAt: oldest ?? obs.now, storedPosition, storedAdvancedAt };
  }

  // No live view: storage moving forward is the only proof that changes got out.
  // Changes seen before the advance count as replicated; later ones do not.
  const unreplicated = advanced ? null : oldest;
  return {
    pendingSince: unreplicated ? (state.pendingSince ?? unreplicated) : null,
    oldestChangeAt: unreplicated,
    storedPosition,
    storedAdvancedAt,
  };
}
