// What watches a project, for the project page (agentless watching, issue 16
// item 8): which of the three signals it has (agent heartbeats, Litestream's
// heartbeat-url ping, the core's own storage listing), the ping URL with the
// exact line to paste into litestream.yml, and what the last listing found.
import { pingUrl } from "./routes/ping.ts";

interface Row {
  pingKey: string | null;
  lastHeartbeatAt: Date | null;
  lastPingAt: Date | null;
  replicaUrl: string | null;
  newestLtxAt: Date | null;
  listedAt: Date | null;
  listError: string | null;
}

/**
 * `pingLine`: the top-level `heartbeat-url:` line of Litestream 0.5's litestream.yml (cmd/litestream/main.go
 * Config, v0.5.16; a global setting, not per database or replica); null without a ping key.
 * `signals`: whether each signal was ever received or configured.
 */
export function watchingView(p: Row, publicUrl: string) {
  const url = p.pingKey ? pingUrl(publicUrl, p.pingKey) : null;
  return {
    pingLine: url ? `heartbeat-url: ${JSON.stringify(url)}` : null,
    signals: { agent: p.lastHeartbeatAt !== null, ping: p.lastPingAt !== null, storageListing: p.replicaUrl !== null },
    storageListing: p.replicaUrl === null ? null : { replicaUrl: p.replicaUrl, newestLtxAt: p.newestLtxAt, listedAt: p.listedAt, error: p.listError },
  };
}
