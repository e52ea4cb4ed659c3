// The agent's YAML file (written by `bin/rails g borela`; keep the format):
//
//   server: ${BORELA_SERVER}
//   token: ${BORELA_AGENT_TOKEN}
//   heartbeatIntervalSeconds: 30
//   databases:
//     - name: primary                              # optional: defaults to the file name without extension
//       path: /rails/storage/production.sqlite3
//       replica: s3://my-bucket/myapp/primary      # optional (bring-your-own)
//
// Also accepted: `replica:` at the top (one URL for all databases, `/<name>` appended
// when there are several) and `countRows: true`. `${VAR}` is expanded from the
// environment first, as Litestream does with its own file.
//
//   parseAgentFile(file: string, env): Promise<AgentFile>
//   parseAgentYaml(text: string, env, source: string): AgentFile     pure
import { readFile } from "node:fs/promises";
import YAML from "yaml";
import { ConfigError } from "../config.ts";
import { expandEnv, referencedVariables } from "../litestream/expand-env.ts";

export interface AgentFile {
  path: string;
  server?: string;
  token?: string;
  heartbeatIntervalSeconds?: number | string;
  replica?: string;
  countRows?: boolean;
  marker?: boolean;
  databases?: Array<{ name?: string; path: string; replica?: string }>;
  /** Variables the file references that are unset or empty (for clearer messages). */
  unsetVariables: string[];
}

const TOP_KEYS = new Set(["server", "token", "heartbeatIntervalSeconds", "replica", "countRows", "marker", "databases"]);
const DB_KEYS = new Set(["name", "path", "replica"]);

function optionalString(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new ConfigError(`${where} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

export function parseAgentYaml(text: string, env: Record<string, string | undefined>, source: string): AgentFile {
  const unsetVariables = referencedVariables(text).filter((name) => !env[name]);
  let doc: unknown;
  try {
    doc = YAML.parse(expandEnv(text, env));
  } catch (err) {
    throw new ConfigError(`${source} is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  if (doc === null || doc === undefined) return { path: source, unsetVariables };
  if (typeof doc !== "object" || Array.isArray(doc)) throw new ConfigError(`${source} must be a YAML mapping (server:, token:, databases:)`);
  const root = doc as Record<string, unknown>;
  for (const key of Object.keys(root)) {
    if (!TOP_KEYS.has(key)) throw new ConfigError(`${source}: unknown key ${JSON.stringify(key)} (expected ${[...TOP_KEYS].join(", ")})`);
  }
  const file: AgentFile = {
    path: source,
    server: optionalString(root.server, `server in ${source}`),
    token: optionalString(root.token, `token in ${source}`),
    replica: optionalString(root.replica, `replica in ${source}`),
    unsetVariables,
  };
  const interval = root.heartbeatIntervalSeconds;
  if (interval !== undefined && interval !== null && interval !== "") {
    if (typeof interval !== "number" && typeof interval !== "string") throw new ConfigError(`heartbeatIntervalSeconds in ${source} must be a number`);
    file.heartbeatIntervalSeconds = interval;
  }
  if (root.marker !== undefined && root.marker !== null) {
    if (typeof root.marker !== "boolean") throw new ConfigError(`marker in ${source} must be true or false, got ${JSON.stringify(root.marker)}`);
    file.marker = root.marker;
  }
  if (root.countRows !== undefined && root.countRows !== null) {
    if (typeof root.countRows !== "boolean") throw new ConfigError(`countRows in ${source} must be true or false, got ${JSON.stringify(root.countRows)}`);
    file.countRows = root.countRows;
  }
  if (root.databases !== undefined && root.databases !== null) {
    if (!Array.isArray(root.databases)) throw new ConfigError(`databases in ${source} must be a list of {name, path, replica}`);
    file.databases = root.databases.map((raw, i) => {
      const where = `databases[${i}] in ${source}`;
      if (typeof raw === "string") return { path: raw };
      if (!raw || typeof raw !== "object") throw new ConfigError(`${where} must be a mapping with path:`);
      for (const key of Object.keys(raw)) {
        if (!DB_KEYS.has(key)) throw new ConfigError(`${where}: unknown key ${JSON.stringify(key)} (expected name, path, replica)`);
      }
      const entry = raw as Record<string, unknown>;
      const p = optionalString(entry.path, `path of ${where}`);
      if (!p) throw new ConfigError(`${where} has no path`);
      return { name: optionalString(entry.name, `name of ${where}`), path: p, replica: optionalString(entry.replica, `replica of ${where}`) };
    });
  }
  return file;
}

export async function parseAgentFile(file: string, env: Record<string, string | undefined>): Promise<AgentFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read agent config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseAgentYaml(text, env, file);
}
