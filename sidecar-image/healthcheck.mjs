// The container's HEALTHCHECK. As the agent: healthy while its last heartbeat
// attempt succeeded within three intervals (the status file the agent writes).
// As the core (no status file): healthy while /healthz answers.
import { readFileSync, existsSync } from "node:fs";

const statusFile = process.env.BORELA_AGENT_STATUS_FILE || "/tmp/borela-agent.json";
const interval = Number(process.env.BORELA_HEARTBEAT_INTERVAL_SECONDS || 30);

if (existsSync(statusFile)) {
  try {
    const status = JSON.parse(readFileSync(statusFile, "utf8"));
    const age = (Date.now() - Date.parse(status.at)) / 1000;
    if (status.ok && age < 3 * interval) process.exit(0);
    console.error(status.ok ? `last heartbeat ${Math.round(age)}s ago` : `last heartbeat failed: ${status.error ?? "unknown error"}`);
  } catch (err) {
    console.error(`unreadable status file ${statusFile}: ${err.message}`);
  }
  process.exit(1);
}
const port = process.env.BORELA_PORT || 8787;
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) })
  .then((r) => process.exit(r.ok ? 0 : 1))
  .catch(() => process.exit(1));
