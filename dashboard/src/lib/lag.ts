// The "Lag" a page shows for a database or a project. A lag is only as recent
// as the heartbeat that reported it: a silent project (or one whose last
// heartbeat is older than its grace) has no known lag, so it must not read
// "caught up" from the last figure the agent sent.
import { seconds } from "./format.ts";

export interface LagInput {
  /** The project's status ("silent" when the core judged the agent silent). */
  status: string;
  /** ISO time of the heartbeat the lag came from; null when none came. */
  lastHeartbeatAt: string | null;
  heartbeatGraceSeconds: number;
  /** Seconds of changes waiting for the replica, as last reported. */
  lagSeconds: number;
}

/** The lag in words at `now` (ms since the epoch): "caught up", "12 s", or "unknown: no recent heartbeat". */
export function lagWords(input: LagInput, now: number): string {
  if (input.status === "silent" || input.lastHeartbeatAt === null) return "unknown: no recent heartbeat";
  if (now - Date.parse(input.lastHeartbeatAt) > input.heartbeatGraceSeconds * 1000) return "unknown: no recent heartbeat";
  return input.lagSeconds > 0 ? seconds(input.lagSeconds) : "caught up";
}
