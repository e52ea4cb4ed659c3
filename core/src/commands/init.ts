// borela init compose|coolify|docker-run|systemd|kamal|labels|env-file --database PATH [--user UID:GID] ...
// borela init core-compose [--server URL] [--replica file:///replicas/...]   the core itself in Docker
// Prints the snippet to stdout and nothing else there; hints go to stderr.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cliEnv } from "../config.ts";
import { parseFlags, UsageError } from "./args.ts";
import { SnippetError, resolveInput } from "../snippets/input.ts";
import { envFile, INIT_KINDS, renderSnippet, systemdUnit, type SnippetKind } from "../snippets/render.ts";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/borela.js");

export async function run(args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  if (!kind || !(INIT_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`init needs one of ${INIT_KINDS.join(", ")}${kind ? `, not ${JSON.stringify(kind)}` : ""}`);
  }
  const { values } = parseFlags(
    rest,
    {
      database: { type: "string", multiple: true },
      service: { type: "string" },
      replica: { type: "string" },
      server: { type: "string" },
      project: { type: "string" },
      volume: { type: "string" },
      image: { type: "string" },
      user: { type: "string" },
      "replica-volume": { type: "string" },
      "host-network": { type: "boolean" },
      write: { type: "boolean" },
      root: { type: "string" },
    },
    false,
  );
  const envServer = cliEnv().server;
  const databases = (values.database ?? []).flatMap((d) => d.split(",")).map((d) => d.trim()).filter(Boolean);
  const input = {
    projectName: values.project ?? values.service ?? "app",
    serverUrl: values.server || envServer || "http://127.0.0.1:8787",
    databases,
    replicaUrl: values.replica,
    serviceName: values.service,
    volume: values.volume,
    image: values.image,
    hostNetwork: values["host-network"],
    user: values.user,
    replicaVolume: values["replica-volume"],
  };
  const agentCommand = `${process.execPath} ${BIN} agent`;
  try {
    if (kind === "systemd" && values.write) return writeSystemd(input, values.root ?? "/", agentCommand);
    process.stdout.write(renderSnippet(kind as SnippetKind, input, { agentCommand }));
  } catch (err) {
    if (err instanceof SnippetError) throw new UsageError(err.message);
    throw err;
  }
  if (!envServer && !values.server) process.stderr.write("hint: --server URL sets the core's address (default http://127.0.0.1:8787)\n");
  return 0;
}

function writeSystemd(input: Parameters<typeof resolveInput>[0], root: string, agentCommand: string): number {
  const r = resolveInput(input);
  const unitPath = path.join(root, "etc/systemd/system/borela-agent.service");
  const envPath = path.join(root, "etc/borela/agent.env");
  mkdirSync(path.dirname(unitPath), { recursive: true });
  mkdirSync(path.dirname(envPath), { recursive: true, mode: 0o700 });
  writeFileSync(unitPath, systemdUnit(r, "/etc/borela/agent.env", agentCommand), { mode: 0o644 });
  writeFileSync(envPath, envFile(r), { mode: 0o600, flag: "wx" });
  chmodSync(envPath, 0o600);
  process.stderr.write(
    `wrote ${unitPath} and ${envPath} (0600)\nnext: put the agent token in ${envPath}, then: systemctl daemon-reload && systemctl enable --now borela-agent\n`,
  );
  return 0;
}
