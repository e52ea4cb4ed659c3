// Every integration snippet, rendered from one input: compose service,
// `docker run`, Coolify sidecar, Kamal accessory, Docker labels, systemd unit
// and its env file. The CLI (`borela init`), the API and the dashboard call these.
import { Scalar, stringify } from "yaml";
import { CONTROL } from "../control.ts";
import { agentEnvironment, resolveInput, SnippetError, type ResolvedInput, type SnippetInput } from "./input.ts";
import { shellQuote } from "./shell.ts";
import { coreCompose } from "./core-compose.ts";

/** The sidecar snippets of a project (API, dashboard, `borela init`). */
export const SNIPPET_KINDS = ["compose", "docker-run", "coolify", "kamal", "labels", "systemd", "env-file"] as const;
/** What `borela init` prints: the sidecar snippets, and the core itself in Docker. */
export const INIT_KINDS = [...SNIPPET_KINDS, "core-compose"] as const;
export type SnippetKind = (typeof INIT_KINDS)[number];

/** Compose interpolates `$` in every value: `$` is written `$$`, so a reported `${POSTGRES_PASSWORD}` stays text. */
function composeText(value: string): string {
  return value.replace(/\$/g, "$$$$");
}

/** The agent's environment for compose: every value escaped but our ${BORELA_AGENT_TOKEN} reference, which must expand. */
function composeEscape(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, k === "BORELA_AGENT_TOKEN" ? v : composeText(v)]));
}

/** The sidecar's mounts: the app's volume at the same path, and a `file://` replica's volume. */
function mounts(r: ResolvedInput): string[] {
  return [`${r.volumeName}:${r.mountPath}`, ...(r.replicaMount ? [`${r.replicaMount.volume}:${r.replicaMount.path}`] : [])];
}

/** "UID:GID" always quoted: YAML 1.1 parsers (docker-compose 1.x) read 1000:50 as a base-60 number. */
function quoted(value: string): Scalar {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

function composeService(r: ResolvedInput) {
  return {
    image: composeText(r.image),
    command: ["agent"],
    restart: "unless-stopped",
    // Room for Litestream's final sync on `docker-compose stop`/`down` (compose's default is 10 s).
    stop_grace_period: "30s",
    // Without `user:` the image's entrypoint runs the agent as the owner of the database (root for a root app).
    ...(r.user ? { user: quoted(r.user) } : {}),
    environment: composeEscape(agentEnvironment(r)),
    volumes: mounts(r).map(composeText),
    ...(r.hostNetwork ? { network_mode: "host" } : {}),
    ...(r.serviceName ? { depends_on: [r.serviceName] } : {}),
  };
}

/** Top-level `volumes:` for a file replica: external, so `docker-compose down -v` never deletes the backups. */
function replicaVolumes(r: ResolvedInput) {
  return r.replicaMount ? { volumes: { [r.replicaMount.volume]: { external: true } } } : {};
}

function replicaHint(r: ResolvedInput): string {
  return r.replicaMount
    ? `# The file replica lives on the volume ${r.replicaMount.volume} (mounted at ${r.replicaMount.path}, as on the core for drills); create it once: docker volume create ${r.replicaMount.volume}\n`
    : "";
}

function compose(r: ResolvedInput): string {
  return `# Add beside the "${r.serviceName}" service in your compose file; it shares the volume ${r.volumeName} at the same path.\n# Set BORELA_AGENT_TOKEN in the environment (or an .env file) to the project's agent token.\n${replicaHint(r)}${stringify({ services: { borela: composeService(r) }, ...replicaVolumes(r) })}`;
}

function coolify(r: ResolvedInput): string {
  const service = composeService({ ...r, hostNetwork: false });
  return `# Coolify: open your application (Docker Compose build pack) → Edit Compose File,\n# add this service beside "${r.serviceName}", then set BORELA_AGENT_TOKEN under Environment Variables and deploy.\n${replicaHint(r)}${stringify({ services: { borela: service }, ...replicaVolumes(r) })}`;
}

function dockerRun(r: ResolvedInput): string {
  const env = Object.entries(agentEnvironment(r)).map(([k, v]) => (k === "BORELA_AGENT_TOKEN" ? `-e ${k}` : `-e ${shellQuote(`${k}=${v}`)}`));
  return [
    "docker run -d --name borela-agent --restart unless-stopped --stop-timeout 30",
    ...(r.user ? [`--user ${r.user}`] : []),
    ...(r.hostNetwork ? ["--network host"] : []),
    ...mounts(r).map((m) => `-v ${shellQuote(m)}`),
    ...env,
    `${shellQuote(r.image)} agent`,
  ].join(" \\\n  ") + "\n";
}

// Kamal reads deploy.yml through ERB: `<%` in reported text is written as ERB's literal `<%%`.
function erbEscape(yaml: string): string {
  return yaml.replace(/<%/g, "<%%");
}

function kamal(r: ResolvedInput): string {
  const { BORELA_AGENT_TOKEN: _token, ...clear } = agentEnvironment(r);
  return `# config/deploy.yml — and BORELA_AGENT_TOKEN=$BORELA_AGENT_TOKEN in .kamal/secrets\n${erbEscape(stringify({
    accessories: {
      borela: {
        image: r.image,
        host: "<your web host>",
        cmd: "agent",
        env: { clear, secret: ["BORELA_AGENT_TOKEN"] },
        volumes: mounts(r),
        ...(r.user ? { options: { user: quoted(r.user) } } : {}),
      },
    },
  }))}`;
}

// Labels go into a compose file too: every value is escaped for its interpolation.
function labels(r: ResolvedInput): string {
  return `# Labels on the app container; \`borela discover\` starts the sidecar.\n${replicaHint(r)}${stringify({
    labels: {
      "dev.borela.enable": "true",
      "dev.borela.project": composeText(r.projectName),
      "dev.borela.databases": composeText(r.databases.join(",")),
      ...(r.replicaUrl ? { "dev.borela.replica": composeText(r.replicaUrl) } : {}),
      "dev.borela.server": composeText(r.serverUrl),
      ...(r.user ? { "dev.borela.user": quoted(r.user) } : {}),
    },
  })}`;
}

/** How systemd starts the agent: node and this checkout's CLI, resolved by `borela init` on the machine it runs on. */
const DEFAULT_AGENT_COMMAND = "/usr/bin/node /opt/borela/core/bin/borela.js agent";

export function systemdUnit(r: ResolvedInput, envFile = "/etc/borela/agent.env", agentCommand = DEFAULT_AGENT_COMMAND): string {
  return `[Unit]
Description=Borela agent: Litestream replication and backup heartbeats for ${r.projectName.replace(/%/g, "%%")}
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
EnvironmentFile=${envFile}
ExecStart=${agentCommand}
Restart=always
RestartSec=5
KillSignal=SIGTERM
# SIGTERM to the agent only; it stops Litestream, which must do its final sync before anything else ends.
KillMode=mixed
TimeoutStopSec=30

[Install]
WantedBy=multi-user.target
`;
}

/**
 * KEY=value lines for systemd's EnvironmentFile (and `node --env-file`). A value holding a line break or
 * any other control character would add a line (another variable, e.g. NODE_OPTIONS): refused with SnippetError.
 * Other values are written so both parsers read them back as given (envFileValue).
 */
export function envFile(r: ResolvedInput): string {
  const env = agentEnvironment(r);
  const lines = Object.entries(env).map(([k, v]) => {
    if (CONTROL.test(v)) throw new SnippetError(`${k} holds a control character (${JSON.stringify(v)}); it cannot be written to an env file`);
    return k === "BORELA_AGENT_TOKEN" ? `${k}=paste-the-project-agent-token-here` : `${k}=${envFileValue(k, v)}`;
  });
  return "# Borela agent settings (mode 0600: it holds the agent token)\n" + lines.join("\n") + "\n";
}

// Read alike unquoted by systemd and Node: Node cuts an unquoted value at "#", systemd takes "\\" as an escape
// and trims spaces at the ends.
const ENV_FILE_PLAIN = /^[A-Za-z0-9_@%+=:,.\/~-]+$/;

/**
 * `value` as systemd's EnvironmentFile and `node --env-file` both read it back: plain when it can be, else in
 * single quotes (literal to both), else in double quotes when it holds a ' but no ", \, $ or ` (literal to both
 * there). A value that fits none is refused with SnippetError naming it.
 */
export function envFileValue(key: string, value: string): string {
  if (ENV_FILE_PLAIN.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  if (!/["\\$`]/.test(value)) return `"${value}"`;
  throw new SnippetError(`${key} holds both a ' and one of " \\ $ \` (${JSON.stringify(value)}); systemd and Node would not read it back alike from an env file`);
}

export function renderSnippet(kind: SnippetKind, input: SnippetInput, options: { agentCommand?: string } = {}): string {
  if (kind === "core-compose") return coreCompose(input);
  const r = resolveInput(input);
  switch (kind) {
    case "compose":
      return compose(r);
    case "coolify":
      return coolify(r);
    case "docker-run":
      return dockerRun(r);
    case "kamal":
      return kamal(r);
    case "labels":
      return labels(r);
    case "systemd":
      return systemdUnit(r, undefined, options.agentCommand);
    case "env-file":
      return envFile(r);
  }
  throw new SnippetError(`unknown snippet kind ${JSON.stringify(kind)}`);
}
