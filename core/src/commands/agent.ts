// borela agent: watch databases, supervise Litestream, send heartbeats.
//
//   borela agent [--config FILE] [--server URL] [--token T] [--database PATH]... [--replica-url URL]
//                [--interval SECONDS] [--litestream-config FILE [--observe]] [--count-rows]
//                [--no-restart-litestream] [--status-file FILE] [--state-dir DIR] [--check-config]
// Usage and options: the agent entry of commands/table.ts.
// Environment: see src/agent/settings.ts (BORELA_SERVER, BORELA_AGENT_TOKEN, BORELA_DATABASES, ...).
import { stat } from "node:fs/promises";
import { keepRunningWithoutOutput } from "../output-closed.ts";
import { litestreamVersion, resolveLitestreamBinFor } from "../litestream/binary.ts";
import { replicaUrl } from "../litestream/replica-url.ts";
import { startAgent } from "../agent/agent.ts";
import { loadAgentSettings, type AgentFlags, type AgentSettings } from "../agent/settings.ts";
import { parseFlags } from "./args.ts";
import { COMMANDS, commandHelp } from "./table.ts";
import { fetchAgentConfig } from "../agent/core-client.ts";
import { tokenHint } from "../server/tokens.ts";
import { printLine } from "../terminal-text.ts";

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
  "litestream-version": { type: "string" },
  "check-config": { type: "boolean" },
} as const;

function agentFlags(args: string[]): { flags: AgentFlags; checkConfig: boolean } {
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
      litestreamVersion: values["litestream-version"],
    },
    checkConfig: values["check-config"] ?? false,
  };
}

/**
 * Asks the core (GET /api/v1/agent/config, agent auth) about the token. `refused`: one line naming the
 * token (its hint, never the secret) and where it came from, when the core answers 401/403; `note`: what
 * --check-config prints beside the server (accepted, or why the core could not be asked: the
 * configuration may be checked before the core is reachable, so that alone does not fail the check).
 */
async function askCore(settings: AgentSettings, source: string): Promise<{ refused: string | null; note: string }> {
  const hint = tokenHint(settings.token);
  const answer = await fetchAgentConfig(settings.server, settings.token, 10_000);
  // 409 in managed mode still means the token is accepted: the agent then reports what the operator must do.
  if (answer.kind === "ok" || answer.status === 409) return { refused: null, note: `accepts the agent token ${hint}` };
  if (answer.kind === "rejected") return { refused: `the core at ${settings.server} refuses the agent token ${hint} from ${source}: ${answer.message}`, note: "" };
  return { refused: null, note: `warning: could not ask the core about the agent token ${hint}: ${answer.message}` };
}

async function describe(settings: AgentSettings, coreNote: string): Promise<string> {
  const lines = [
    "borela agent: configuration OK",
    `  server     ${settings.server} (${coreNote})`,
    `  mode       ${settings.mode}${settings.litestreamConfig ? ` (from ${settings.litestreamConfig.path})` : ""}`,
    `  interval   ${settings.heartbeatIntervalSeconds}s${settings.intervalExplicit ? "" : " (default; the core may suggest another in managed mode)"}`,
    `  state dir  ${settings.stateDir}`,
    `  status     ${settings.statusFile}`,
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
      // The binary and line the agent will run (agent/litestream-runner.ts resolves it the same way).
      const bin = resolveLitestreamBinFor(settings.litestreamVersion, settings.litestreamBin);
      const version = await litestreamVersion(bin).catch((err: Error) => `[warning: ${err.message}]`);
      lines.push(`  litestream ${bin} (${version}, line ${settings.litestreamVersion})`);
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
  // The bundled agent (agent/main.ts, the sidecar image) reaches here without cli.ts: same help, same table.
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(commandHelp(COMMANDS.agent));
    return 0;
  }
  const { flags, checkConfig } = agentFlags(args);
  const settings = await loadAgentSettings(flags);
  if (checkConfig) {
    const core = await askCore(settings, settings.tokenSource);
    if (core.refused) {
      printLine(process.stderr, `borela agent: ${core.refused}`);
      return 1;
    }
    process.stdout.write(await describe(settings, core.note));
    return 0;
  }
  keepRunningWithoutOutput();
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
