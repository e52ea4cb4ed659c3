// The container's HEALTHCHECK. As the agent (PID 1 runs /app/agent.mjs): healthy only while the
// agent's status is ok — its last heartbeat went through within three intervals and no database
// reports an error (the status file the agent writes after every heartbeat); no status file yet
// is unhealthy. As `borela worker`: healthy only while the worker's status is ok — it recorded that it
// is alive in the store within three of its beats and Redis is connected (<BORELA_DATA_DIR>/worker-status.json,
// written after every beat: core/src/drills/worker-beat.ts); no status file yet is unhealthy. As the core:
// healthy while /healthz answers 200; a 503 (no freshness sweep completed for 4 sweep intervals: the core
// answers but does not judge) is unhealthy, its reason printed.
import { readFileSync } from "node:fs";
import path from "node:path";

const statusFile = process.env.BORELA_AGENT_STATUS_FILE || "/tmp/borela-agent.json";
const interval = Number(process.env.BORELA_HEARTBEAT_INTERVAL_SECONDS || 30);

function pid1Args() {
  try {
    return readFileSync("/proc/1/cmdline", "utf8").split("\0");
  } catch {
    return [];
  }
}
const args = pid1Args();
const isAgent = () => args.includes("/app/agent.mjs");
const isWorker = () => {
  const at = args.indexOf("/app/core/bin/borela.js");
  return at >= 0 && args[at + 1] === "worker";
};

if (isWorker()) {
  const file = path.join(path.resolve(process.env.BORELA_DATA_DIR || "/data"), "worker-status.json");
  try {
    const status = JSON.parse(readFileSync(file, "utf8"));
    const age = Date.now() - Date.parse(status.at);
    if (status.ok && age < 3 * status.everyMs) process.exit(0);
    console.error(status.ok ? `last seen alive ${Math.round(age / 1000)}s ago` : `not ok: ${status.error ?? "unknown error"}`);
  } catch (err) {
    console.error(err.code === "ENOENT" ? `not seen alive yet (${file} missing)` : `unreadable status file ${file}: ${err.message}`);
  }
  process.exit(1);
}

if (isAgent()) {
  try {
    const status = JSON.parse(readFileSync(statusFile, "utf8"));
    const age = (Date.now() - Date.parse(status.at)) / 1000;
    if (status.ok && age < 3 * interval) process.exit(0);
    console.error(status.ok ? `last heartbeat ${Math.round(age)}s ago` : `not ok: ${status.error ?? "unknown error"}`);
  } catch (err) {
    console.error(err.code === "ENOENT" ? `no heartbeat yet (${statusFile} missing)` : `unreadable status file ${statusFile}: ${err.message}`);
  }
  process.exit(1);
}
const port = process.env.BORELA_PORT || 8787;
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) })
  .then(async (r) => {
    if (!r.ok) console.error(`/healthz ${r.status}: ${(await r.json().catch(() => ({}))).message ?? "no reason given"}`);
    process.exit(r.ok ? 0 : 1);
  })
  .catch(() => process.exit(1));
