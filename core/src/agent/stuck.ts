// Is Litestream stuck on a replica? A replica whose position has not moved for
// `stuckAfterMs` while the database has changes it has not reached is stuck:
// Litestream 0.3.13 writing to a directory that refuses writes (chattr +i)
// hangs in "write wal segment", logs nothing and never resumes by itself.
// The agent reports it and restarts Litestream, with backoff between restarts
// (unless restarts are off: then it only reports it).
// The error stays until the replica moves or catches up, across restarts, so
// one stuck period is one error, not a flapping series.
//
//   stepStuck(state: StuckState, obs: StuckObservation): StuckState   pure
//   stuckMessage(state, input): string | null                          pure
import { nextBackoffMs } from "./supervisor.ts";
import { comparePositions, type WalPoint } from "./pending.ts";
import { secondsBetween } from "../words/seconds.ts";

export interface StuckState {
  /** The replica's last known point, and when it last changed (or was first seen). */
  point: WalPoint | null;
  movedAt: Date | null;
  /** Set while stuck: when it was first judged stuck. */
  stuckSince: Date | null;
  restarts: number;
  lastRestartAt: Date | null;
  /** True for the one step at which Litestream should be restarted. */
  restartNow: boolean;
}

export interface StuckObservation {
  now: Date;
  /** The replica's position now (Litestream's metrics, else storage); null when unknown. */
  replica: WalPoint | null;
  pendingSince: Date | null;
  stuckAfterMs: number;
  /** Upper bound of the wait between restarts. */
  maxBackoffMs: number;
}

export const initialStuck: StuckState = { point: null, movedAt: null, stuckSince: null, restarts: 0, lastRestartAt: null, restartNow: false };

export function stepStuck(state: StuckState, obs: StuckObservation): StuckState {
  const moved = obs.replica !== null && (state.point === null || comparePositions(obs.replica, state.point) !== 0);
  const point = obs.replica ?? state.point;
  const movedAt = moved ? obs.now : (state.movedAt ?? obs.now);
  if (!obs.pendingSince) return { ...initialStuck, point, movedAt };
  const still = obs.now.getTime() - movedAt.getTime() >= obs.stuckAfterMs;
  const lagging = obs.now.getTime() - obs.pendingSince.getTime() >= obs.stuckAfterMs;
  if (!still || !lagging) return { ...state, point, movedAt, stuckSince: moved ? null : state.stuckSince, restartNow: false };
  const waitMs = nextBackoffMs(state.restarts + 1, obs.stuckAfterMs, obs.maxBackoffMs);
  const restartNow = !state.lastRestartAt || obs.now.getTime() - state.lastRestartAt.getTime() >= waitMs;
  return {
    point,
    movedAt,
    stuckSince: state.stuckSince ?? obs.now,
    restarts: state.restarts + (restartNow ? 1 : 0),
    lastRestartAt: restartNow ? obs.now : state.lastRestartAt,
    restartNow,
  };
}

/** 0.3: "index 3, offset 4152"; 0.5 (positions carry the TXID in offset, index 0): "TXID 73". */
const at = (p: WalPoint, version: "0.3" | "0.5") => (version === "0.5" ? `TXID ${p.offset}` : `index ${p.index}, offset ${p.offset}`);

/**
 * How far the database has got, as the agent can see it: Litestream's shadow WAL position (index, offset),
 * or, when the app's WAL file (`walBytes`, its size in bytes) is longer than the shadow's offset, the same
 * index at the WAL file's end. A stopped or stuck Litestream no longer copies into its shadow WAL, so the
 * shadow alone stays where the replica stopped while the app keeps writing. In Litestream 0.3 a shadow WAL
 * offset is the byte offset in the database's WAL file of the same index. Null when neither is known.
 */
export function databaseReach(shadow: WalPoint | null, walBytes: number | null): WalPoint | null {
  if (!shadow) return null;
  return walBytes !== null && walBytes > shadow.offset ? { index: shadow.index, offset: walBytes } : { index: shadow.index, offset: shadow.offset };
}

/** What the supervisor did about Litestream: whether it may restart it, and when each restart's Litestream started. */
export interface RestartRecord {
  enabled: boolean;
  startedAt: Date[];
}

/** The stuck message's tail: every restart since the replica stopped moving and when the last one started; or that restarts are off. */
function restartsWords(movedAt: Date, restarts: RestartRecord | undefined): string {
  if (!restarts) return "";
  if (!restarts.enabled) return "; restarts are off (--no-restart-litestream): the agent leaves Litestream as it is";
  const since = restarts.startedAt.filter((t) => t.getTime() >= movedAt.getTime());
  return since.length > 0 ? `; Litestream restarted ${since.length} time(s), last at ${since[since.length - 1].toISOString()}` : "";
}

/**
 * The error for a stuck replica; null when it is not stuck. Quotes where the replica stopped and, when it is
 * known to be newer, where the database got to (`database`, e.g. from databaseReach); never the same
 * position twice: when the database's position is not known to be ahead, it says the file changed.
 * `version` "0.5" words positions as TXIDs ({ index: 0, offset: txid }); default "0.3".
 * `restarts` (the supervisor's record; absent when not supervised): counts the restarts since the replica
 * stopped moving and quotes when the last Litestream started, or says restarts are off.
 */
export function stuckMessage(
  state: StuckState,
  input: { now: Date; url: string; database: WalPoint | null; version?: "0.3" | "0.5"; restarts?: RestartRecord },
): string | null {
  const version = input.version ?? "0.3";
  if (!state.stuckSince || !state.movedAt) return null;
  const seconds = Math.round(secondsBetween(state.movedAt, input.now));
  const restarted = restartsWords(state.movedAt, input.restarts);
  const replica = state.point ? `replica stopped at ${at(state.point, version)}` : "replica position unknown";
  const ahead = input.database && (!state.point || comparePositions(input.database, state.point) > 0);
  const positions = ahead ? `database at ${at(input.database!, version)}, ${replica}` : `${replica}, the database file changed since`;
  return `the replica position has not moved for ${seconds}s while the database changed (${positions}): Litestream is stuck or cannot write to ${input.url}${restarted}`;
}
