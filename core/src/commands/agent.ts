// borela agent: watch databases, supervise Litestream, send heartbeats.
//
//   borela agent [--config FILE] [--server URL] [--token T] [--database PATH]... [--replica-url URL]
//                [--interval SECONDS] [--litestream-config FILE [--observe]] [--count-rows]
//                [--no-restart-litestream] [--status-file FILE] [--state-dir DIR] [--check-config]
// Environment: see src/agent/settings.ts (BORELA_SERVER, BORELA_AGENT_TOKEN, BORELA_DATABASES, ...).
import { stat } from "node:fs/promises";
import { resolveLitestreamBin } from "../litestream/binary.ts";
import { replicaUrl } from "../litestream/replica-url.ts";
import { startAgent } from "../agent/agent.ts";
import { loadAgentSettings, type AgentFlags, type AgentSettings } from "../agent/settings.ts";
import { parseFlags } from "./args.ts";

const USAGE = `usage: borela agent [options]

  --config FILE              agent YAML file (server, token, heartbeatIntervalSeconds, databases)
  --server URL               the core's URL (BORELA_SERVER)
  --token TOKEN              the project's agent token (BORELA_AGENT_TOKEN)
  --database PATH            a database to watch; repeat for several (BORELA_DATABASES, comma-separated)
  --replica-url URL          bring-your-own replica: file:///dir or s3://bucket/path (BORELA_REPLICA_URL);
                             without it the core hands out the replica (managed mode)
  --interval SECONDS         heartbeat interval, default 30 (BORELA_HEARTBEAT_INTERVAL_SECONDS)
  --litestream-config FILE   take databases and replicas from an existing litestream.yml
  --observe                  watch a Litestream that already runs (needs --litestream-config)
  --count-rows               report live row counts per table (BORELA_COUNT_ROWS)
  --marker                   write a _borela_marker row each heartbeat, so drills prove live writes
                             reach storage (writes to your database; BORELA_MARKER)
  --no-restart-litestream    leave Litestream down when it exits
  --status-file FILE         health file for the container, default /tmp/borela-agent.json
  --state-dir DIR            private directory for the rendered litestream.yml
  --check-config             validate the configuration and exit
`;

const OPTIONS = {
  config: { type: "string" },
  server: { type: "string" },
  token: { type: "string" },
  database: { type: "string", multiple: true, short: "d" },
  "replica-url": { type: "string" },
  interval: { type: "string" },
  "litestream-config": { type: "string" },
  observe: { type: "boolean" },
  "count-rows": { type: "boolean" },
  marker: { type: "boolean" },
  "no-restart-litestream": { type: "boolean" },
  "status-file": { type: "string" },
  "state-dir": { type: "string" },
  "sample-interval": { type: "string" },
  "sync-interval": { type: "string" },
  "check-config": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export function agentFlags(args: string[]): { flags: AgentFlags; checkConfig: boolean; help: boolean } {
  const { values } = parseFlags(args, OPTIONS, false);
  return {
    flags: {
      config: values.config,
      server: values.server,
      token: values.token,
      database: values.database,
      replicaUrl: values["replica-url"],
      interval: values.interval,
      litestreamConfig: values["litestream-config"],
      observe: values.observe,
      countRows: values["count-rows"],
      marker: values.marker,
      restartLitestream: values["no-restart-litestream"] ? false : undefined,
      statusFile: values["status-file"],
      stateDir: values["state-dir"],
      sampleInterval: values["sample-interval"],
      syncInterval: values["sync-interval"],
    },
    checkConfig: values["check-config"] ?? false,
    help: values.help ?? false,
  };
}

async function describe(settings: AgentSettings): Promise<string> {
  const lines = [
    "borela agent: configuration OK",
    `  server     ${settings.server}`,
    `  mode       ${settings.mode}${settings.litestreamConfig ? ` (from ${settings.litestreamConfig.path})` : ""}`,
    `  interval   ${settings.heartbeatIntervalSeconds}s${settings.intervalExplicit ? "" : " (default; the core may suggest another in managed mode)"}`,
    "  databases",
  ];
  for (const db of settings.databases) {
    const replicas = db.replicas.length ? db.replicas.map(replicaUrl).join(", ") : "(replica from the core)";
    const exists = await stat(db.path).then(
      () => "",
      () => "   [warning: no file there yet]",
    );
    lines.push(`    ${db.name.padEnd(12)} ${db.path} → ${replicas}${exists}`);
  }
  if (settings.mode !== "observe") {
    try {
      lines.push(`  litestream ${resolveLitestreamBin(settings.litestreamBin)}`);
    } catch (err) {
      lines.push(`  litestream [warning: ${(err as Error).message}]`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * What a stop signal means given the ones already received: the first stops (Litestream gets its final
 * sync); the same signal again forces (Ctrl-C pressed twice). A different one while stopping is the same
 * request by another route (Ctrl-C reaches the whole process group, and a parent such as `borela serve
 * --demo` then sends SIGTERM too), so it waits.
 */
export function stopDecision(seen: ReadonlySet<NodeJS.Signals>, signal: NodeJS.Signals): "stop" | "force" | "wait" {
  if (seen.size === 0) return "stop";
  return seen.has(signal) ? "force" : "wait";
}

export async function run(args: string[]): Promise<number> {
  const { flags, checkConfig, help } = agentFlags(args);
  if (help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const settings = await loadAgentSettings(flags, process.env);
  if (checkConfig) {
    process.stdout.write(await describe(settings));
    return 0;
  }
  const agent = await startAgent(settings);
  await new Promise<void>((resolve) => {
    const seen = new Set<NodeJS.Signals>();
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopDecision(seen, signal) === "force") {
        process.stderr.write(`borela agent: second ${signal}, exiting without waiting for Litestream\n`);
        agent.supervisor?.kill();
        process.exit(1);
      }
      seen.add(signal);
      if (seen.size === 1) void agent.stop().then(resolve, resolve);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
  return 0;
}
