// When did a replica start lagging behind its database? `pendingSince` is the
// oldest time the agent saw a database change that this replica has not caught
// up with; null when caught up. An idle database is never pending.
//
//   stepPending(state: PendingState, observation: PendingObservation): PendingState   pure
//   comparePositions(a, b): number   by WAL index, then offset
//
// With Litestream's metrics (live positions): pending iff the replica's
// (index, offset) is behind a database position the agent saw (current shadow
// WAL index, size of that one file), and pendingSince is when the oldest such
// position was first seen (by the agent, with the database ahead at it: never
// earlier). A replica that keeps up one sync behind a steady writer is therefore
// never pending for longer than that one sync, and a gap closed by the next
// sample is never older than one sampling interval.
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
  /** Database positions seen that the replica had not reached, oldest first, each with when it was first seen. */
  unreplicated: Array<{ point: WalPoint; since: Date }>;
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

export const initialPending: PendingState = { pendingSince: null, oldestChangeAt: null, storedPosition: undefined, storedAdvancedAt: null, unreplicated: [] };

/** Past this many remembered positions, the two oldest merge (keeping the older time: never understates a lag). */
export const MAX_UNREPLICATED = 64;

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
    const { database, replica } = obs.live;
    let queue = state.unreplicated.filter((u) => comparePositions(u.point, replica) > 0);
    const last = queue[queue.length - 1];
    // The database went back (a new generation starts at index 0): earlier positions mean nothing now.
    if (last && comparePositions(database, last.point) < 0) queue = [];
    if (comparePositions(replica, database) < 0 && (queue.length === 0 || comparePositions(database, queue[queue.length - 1].point) > 0)) {
      // Each position dates itself: when the agent first saw the database ahead at it, never earlier (a change
      // seen without a live view may have been replicated meanwhile: the live view replaces that guess).
      queue = [...queue, { point: database, since: obs.now }];
      if (queue.length > MAX_UNREPLICATED) queue = [{ point: queue[1].point, since: queue[0].since }, ...queue.slice(2)];
    }
    if (queue.length === 0) return { pendingSince: null, oldestChangeAt: null, storedPosition, storedAdvancedAt, unreplicated: [] };
    return { pendingSince: queue[0].since, oldestChangeAt: queue[0].since, storedPosition, storedAdvancedAt, unreplicated: queue };
  }

  // No live view: storage moving forward is the only proof that changes got out.
  // Changes seen before the advance count as replicated; later ones do not. Without an advance the positions
  // seen unreplicated stay so: a Litestream restart (metrics gone, then a new process) changes nothing about them.
  const unreplicated = advanced ? null : oldest;
  return {
    pendingSince: unreplicated ? (state.pendingSince ?? unreplicated) : null,
    oldestChangeAt: unreplicated,
    storedPosition,
    storedAdvancedAt,
    unreplicated: advanced ? [] : state.unreplicated,
  };
}
