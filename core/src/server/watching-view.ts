// What watches a project, for the project page (agentless watching, issue 16
// item 8): which of the three signals it has (agent heartbeats, Litestream's
// heartbeat-url ping, the core's own storage listing), the ping URL with the
// exact line to paste into litestream.yml, and what the last listing found.
import { pingUrl } from "./routes/ping.ts";
import { PING_INTERVAL_LINE, pingGraceWarning } from "../freshness/agentless.ts";

interface Row {
  pingKey: string | null;
  heartbeatGraceSeconds: number;
  lastHeartbeatAt: Date | null;
  lastPingAt: Date | null;
  replicaUrl: string | null;
  newestLtxAt: Date | null;
  listedAt: Date | null;
  listError: string | null;
}

/** Whether each signal was ever received or configured: agent heartbeats, Litestream's ping, the core's storage listing. */
export function watchingSignals(p: Pick<Row, "lastHeartbeatAt" | "lastPingAt" | "replicaUrl">) {
  return { agent: p.lastHeartbeatAt !== null, ping: p.lastPingAt !== null, storageListing: p.replicaUrl !== null };
}

/**
 * `pingLine`: the two top-level lines of Litestream 0.5's litestream.yml (cmd/litestream/main.go Config,
 * v0.5.16; global settings, not per database or replica), `heartbeat-url: "<url>"` and `heartbeat-interval: 1m`
 * (its smallest; the default, 5 min, would outlast the grace), joined by "\n"; null without a ping key.
 * `pingWarning`: for a project without an agent, when its grace is shorter than that interval (agentless.ts).
 * `signals`: whether each signal was ever received or configured.
 */
export function watchingView(p: Row, publicUrl: string) {
  const url = p.pingKey ? pingUrl(publicUrl, p.pingKey) : null;
  return {
    pingLine: url ? `heartbeat-url: ${JSON.stringify(url)}\n${PING_INTERVAL_LINE}` : null,
    pingWarning: p.lastHeartbeatAt === null ? pingGraceWarning(p.heartbeatGraceSeconds) : null,
    signals: watchingSignals(p),
    storageListing: p.replicaUrl === null ? null : { replicaUrl: p.replicaUrl, newestLtxAt: p.newestLtxAt, listedAt: p.listedAt, error: p.listError },
  };
}
