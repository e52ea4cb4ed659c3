// The "Lag" a page shows for a database or a project, and the "Last heartbeat" or
// "Last ping" line beside it. A lag is only as recent as the heartbeat that reported
// it: a silent project (or one whose last heartbeat is older than its grace) has no
// known lag, so it must not read "caught up" from the last figure the agent sent.
// A project watched without an agent (Litestream's ping, the core's storage listing)
// has no lag anyone reports: its words say so and give the ping's age instead.
import { ago, seconds } from "./format.ts";

export interface LagInput {
  /** The project's status ("silent" when the core judged the agent silent). */
  status: string;
  /** ISO time of the heartbeat the lag came from; null when none came. */
  lastHeartbeatAt: string | null;
  heartbeatGraceSeconds: number;
  /** Seconds of changes waiting for the replica, as last reported. */
  lagSeconds: number;
  /** Which signals watch the project; absent: an agent's (a database card). */
  signals?: { agent: boolean };
  /** ISO time of the last Litestream ping; null or absent when none came. */
  lastPingAt?: string | null;
}

/** Whether the project is watched without an agent: no agent ever reported. */
export function pingOnly(input: Pick<LagInput, "signals">): boolean {
  return input.signals !== undefined && !input.signals.agent;
}

/**
 * The lag in words at `now` (ms since the epoch): "caught up", "12 s", "unknown: no recent heartbeat", or for a
 * project without an agent "unknown: no agent reports it (last ping 40 s ago)" / "(no Litestream ping yet)".
 */
export function lagWords(input: LagInput, now: number): string {
  if (pingOnly(input)) return `unknown: no agent reports it (${input.lastPingAt ? `last ping ${ago(input.lastPingAt, now)}` : "no Litestream ping yet"})`;
  if (input.status === "silent" || input.lastHeartbeatAt === null) return "unknown: no recent heartbeat";
  if (now - Date.parse(input.lastHeartbeatAt) > input.heartbeatGraceSeconds * 1000) return "unknown: no recent heartbeat";
  return input.lagSeconds > 0 ? seconds(input.lagSeconds) : "caught up";
}

/** The label and time of the project's last sign of life: "Last ping" and its time without an agent, else "Last heartbeat". */
export function lastHeard(p: { signals: { agent: boolean }; lastHeartbeatAt: string | null; lastPingAt: string | null }): { label: string; at: string | null } {
  return pingOnly(p) ? { label: "Last ping", at: p.lastPingAt } : { label: "Last heartbeat", at: p.lastHeartbeatAt };
}
