// The agent's configuration: flags > environment > YAML file (--config FILE or
// BORELA_CONFIG), with `${VAR}` expanded in the file as Litestream does. The only
// place the agent reads the environment (`env`, this process's by default); values
// are parsed by env-parse.ts, as the core's config.ts does.
//
//   loadAgentSettings(flags: AgentFlags, env: Env = process.env, cwd?: string): Promise<AgentSettings>
//     throws AgentSettingsError (a ConfigError) naming the bad value and where it came from
//
// Environment: BORELA_SERVER, BORELA_AGENT_TOKEN, BORELA_DATABASES (comma-separated absolute paths),
// BORELA_REPLICA_URL (file:///… or s3://bucket/path; managed mode when unset),
// BORELA_HEARTBEAT_INTERVAL_SECONDS (30), BORELA_CONFIG, BORELA_AGENT_STATUS_FILE (status.json in the state dir),
// BORELA_LITESTREAM_CONFIG, BORELA_OBSERVE, BORELA_COUNT_ROWS, BORELA_COUNT_ROWS_MAX_BYTES,
// BORELA_SAMPLE_INTERVAL_SECONDS, BORELA_LITESTREAM_SYNC_INTERVAL, BORELA_AGENT_STATE_DIR (see agentPaths),
// BORELA_LOG_LEVEL,
// BORELA_LITESTREAM_VERSION (0.5, the default, or 0.3 for a replica 0.3 keeps writing; flag --litestream-version;
// unset with --litestream-config: the line whose syntax the file uses),
// LITESTREAM_BIN, and for S3 replicas without keys in their URL: LITESTREAM_ACCESS_KEY_ID /
// LITESTREAM_SECRET_ACCESS_KEY or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "../config.ts";
import { parseBool, parseInteger, parseList, type Env } from "../env-parse.ts";
import type { LitestreamLine } from "../litestream/binary.ts";
import { joinReplicaUrl, parseReplicaUrl, type ReplicaTarget, type S3Credentials } from "../litestream/replica-url.ts";
import type { SnapshotSettings } from "../litestream/snapshot-config.ts";
import type { AgentFile } from "./agent-file.ts";

export class AgentSettingsError extends ConfigError {}

export interface AgentFlags {
  server?: string;
  token?: string;
  database?: string[];
  replicaUrl?: string;
  interval?: string;
  config?: string;
  litestreamConfig?: string;
  observe?: boolean;
  countRows?: boolean;
  marker?: boolean;
  restartLitestream?: boolean;
  statusFile?: string;
  stateDir?: string;
  sampleInterval?: string;
  syncInterval?: string;
  litestreamVersion?: string;
}

export interface DatabaseSetting {
  name: string;
  path: string;
  /** Empty in managed mode: the core hands out the replica. */
  replicas: ReplicaTarget[];
}

export type AgentMode = "managed" | "byo" | "observe";

export interface AgentSettings {
  server: string;
  token: string;
  /** Where the token came from, for messages: "--token", "BORELA_AGENT_TOKEN" or "token: in <config file>". */
  tokenSource: string;
  heartbeatIntervalSeconds: number;
  /** False when the interval is the default: the core's suggestion may then apply. */
  intervalExplicit: boolean;
  sampleIntervalSeconds: number;
  databases: DatabaseSetting[];
  mode: AgentMode;
  /** Litestream config the databases came from (--litestream-config), with its metrics addr. */
  /** The adopted litestream.yml (--litestream-config): its path, metrics addr and 0.5 `snapshot:` settings. */
  litestreamConfig: { path: string; addr: string | null; snapshot?: SnapshotSettings | null } | null;
  restartLitestream: boolean;
  countRows: boolean;
  countRowsMaxBytes: number;
  /** Write `_borela_marker` rows for the drills' round-trip proof (writes to the user's database). */
  marker: boolean;
  statusFile: string;
  stateDir: string;
  litestreamBin: string | null;
  /** Which Litestream line the agent runs (and whose config it writes). */
  litestreamVersion: LitestreamLine;
  syncInterval: string;
  logLevel: "debug" | "info" | "warn" | "error";
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function pick<T>(...candidates: Array<[T | undefined, string]>): [T, string] | [undefined, undefined] {
  for (const [value, source] of candidates) if (value !== undefined && value !== "") return [value, source];
  return [undefined, undefined];
}

/**
 * Default state dir and status file of one agent: `<tmp>/borela-agent-<uid>-<12 hex>/` and `status.json`
 * in it. The hex is SHA-256 of the server URL and the sorted database paths, so two agents of one user on
 * one host (another core, or other databases) never share a rendered litestream.yml or a status file,
 * while a restarted agent finds its own again. Pure.
 */
export function agentPaths(server: string, databasePaths: string[], uid: number | string, tmp: string): { stateDir: string; statusFile: string } {
  const key = createHash("sha256").update([server, ...[...databasePaths].sort()].join("\n")).digest("hex").slice(0, 12);
  const stateDir = path.join(tmp, `borela-agent-${uid}-${key}`);
  return { stateDir, statusFile: path.join(stateDir, "status.json") };
}

/** "production.sqlite3" → "production". */
export function defaultDatabaseName(file: string): string {
  const base = path.basename(file);
  const dot = base.indexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

function checkServer(raw: string | undefined, source: string | undefined, file: AgentFile | null): string {
  if (!raw) {
    const hint = file?.unsetVariables.includes("BORELA_SERVER") ? ` (${file.path} uses \${BORELA_SERVER}, which is not set)` : "";
    throw new AgentSettingsError(`no server: set BORELA_SERVER, --server or server: in the config file${hint}`);
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new AgentSettingsError(`${source}=${JSON.stringify(raw)} is not a URL (expected http(s)://host:port)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new AgentSettingsError(`${source}=${JSON.stringify(raw)} is not an http(s) URL`);
  return raw.replace(/\/+$/, "");
}

function ambientCredentials(env: Env): S3Credentials | null {
  const accessKeyId = env.LITESTREAM_ACCESS_KEY_ID || env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.LITESTREAM_SECRET_ACCESS_KEY || env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return null;
  return { accessKeyId, secretAccessKey, sessionToken: env.LITESTREAM_ACCESS_KEY_ID ? null : env.AWS_SESSION_TOKEN || null };
}

function parseReplica(url: string, source: string, ambient: S3Credentials | null): ReplicaTarget {
  let target: ReplicaTarget;
  try {
    target = parseReplicaUrl(url);
  } catch (err) {
    throw new AgentSettingsError(`${source}: ${(err as Error).message}`);
  }
  return target.type === "s3" && !target.credentials && ambient ? { ...target, credentials: ambient } : target;
}

function checkDatabase(name: string | undefined, file: string, source: string): { name: string; path: string } {
  if (!path.isAbsolute(file)) throw new AgentSettingsError(`database path ${JSON.stringify(file)} from ${source} is not absolute`);
  const resolved = path.normalize(file);
  const dbName = name ?? defaultDatabaseName(resolved);
  if (!NAME.test(dbName)) throw new AgentSettingsError(`database name ${JSON.stringify(dbName)} from ${source} may only use letters, digits, ".", "_" and "-"`);
  return { name: dbName, path: resolved };
}

export async function loadAgentSettings(flags: AgentFlags, env: Env = process.env, cwd = process.cwd()): Promise<AgentSettings> {
  const configPath = flags.config ?? env.BORELA_CONFIG;
  // YAML is loaded only when a file is given: the parser alone weighs ~8 MB of RSS.
  const file = configPath ? await (await import("./agent-file.ts")).parseAgentFile(path.resolve(cwd, configPath), env) : null;
  const fileSource = file ? `server: in ${file.path}` : "";

  const [serverRaw, serverSource] = pick<string>([flags.server, "--server"], [env.BORELA_SERVER, "BORELA_SERVER"], [file?.server, fileSource]);
  const server = checkServer(serverRaw, serverSource, file);
  const [token, tokenFrom] = pick<string>([flags.token, "--token"], [env.BORELA_AGENT_TOKEN, "BORELA_AGENT_TOKEN"], [file?.token, "token"]);
  if (!token) {
    const hint = file?.unsetVariables.includes("BORELA_AGENT_TOKEN") ? ` (${file.path} uses \${BORELA_AGENT_TOKEN}, which is not set)` : "";
    throw new AgentSettingsError(`no agent token: set BORELA_AGENT_TOKEN, --token or token: in the config file${hint}`);
  }
  if (/\s/.test(token)) throw new AgentSettingsError("the agent token contains whitespace: check BORELA_AGENT_TOKEN");

  const [intervalRaw, intervalSource] = pick<string | number>(
    [flags.interval, "--interval"],
    [env.BORELA_HEARTBEAT_INTERVAL_SECONDS, "BORELA_HEARTBEAT_INTERVAL_SECONDS"],
    [file?.heartbeatIntervalSeconds, `heartbeatIntervalSeconds in ${file?.path}`],
  );
  const interval = parseInteger(intervalRaw, intervalSource ?? "", 1, 3600);
  const [sampleRaw, sampleSource] = pick<string>([flags.sampleInterval, "--sample-interval"], [env.BORELA_SAMPLE_INTERVAL_SECONDS, "BORELA_SAMPLE_INTERVAL_SECONDS"]);
  const heartbeatIntervalSeconds = interval ?? 30;
  const sampleIntervalSeconds = parseInteger(sampleRaw, sampleSource ?? "", 1, 600) ?? Math.min(5, heartbeatIntervalSeconds);

  const litestreamConfigPath = flags.litestreamConfig ?? env.BORELA_LITESTREAM_CONFIG;
  const observe = flags.observe ?? parseBool(env.BORELA_OBSERVE, "BORELA_OBSERVE") ?? false;
  if (observe && !litestreamConfigPath) {
    throw new AgentSettingsError("--observe needs --litestream-config FILE: the running Litestream's config tells which databases and replicas to watch");
  }
  const ambient = ambientCredentials(env);
  let databases: DatabaseSetting[];
  let litestreamConfig: AgentSettings["litestreamConfig"] = null;
  let configLine: LitestreamLine | null = null;

  if (litestreamConfigPath) {
    const resolved = path.resolve(cwd, litestreamConfigPath);
    let parsed;
    try {
      parsed = await (await import("../litestream/config-file.ts")).readLitestreamConfigFile(resolved, env, { cwd });
    } catch (err) {
      throw new AgentSettingsError((err as Error).message);
    }
    litestreamConfig = { path: resolved, addr: parsed.addr, ...(parsed.snapshot ? { snapshot: parsed.snapshot } : {}) };
    configLine = parsed.line ?? null;
    databases = parsed.databases.map((db) => ({
      ...checkDatabase(undefined, db.path, resolved),
      replicas: db.replicas.map((r) => (r.type === "s3" && !r.credentials && ambient ? { ...r, credentials: ambient } : r)),
    }));
  } else {
    const [globalUrl, globalSource] = pick<string>([flags.replicaUrl, "--replica-url"], [env.BORELA_REPLICA_URL, "BORELA_REPLICA_URL"], [file?.replica, `replica: in ${file?.path}`]);
    const fromFlags = flags.database?.length ? flags.database.map((p) => ({ path: p, source: "--database" })) : undefined;
    const fromEnv = env.BORELA_DATABASES ? parseList(env.BORELA_DATABASES).map((p) => ({ path: p, source: "BORELA_DATABASES" })) : undefined;
    const fromFile = file?.databases?.map((d) => ({ ...d, source: file.path }));
    const list: Array<{ name?: string; path: string; replica?: string; source: string }> = fromFlags ?? fromEnv ?? fromFile ?? [];
    if (list.length === 0) throw new AgentSettingsError("no database to watch: set BORELA_DATABASES, --database or databases: in the config file");
    databases = list.map((d) => {
      const db = checkDatabase(d.name, d.path, d.source);
      let url = d.replica;
      let source = `replica of ${db.name} in ${d.source}`;
      if (!url && globalUrl) {
        url = list.length > 1 ? joinReplicaUrl(globalUrl, db.name) : globalUrl;
        source = globalSource!;
      }
      return { ...db, replicas: url ? [parseReplica(url, source, ambient)] : [] };
    });
  }

  const names = new Set<string>();
  const paths = new Set<string>();
  for (const db of databases) {
    if (names.has(db.name)) throw new AgentSettingsError(`two databases are named ${JSON.stringify(db.name)}: give them distinct names (name: in the config file)`);
    if (paths.has(db.path)) throw new AgentSettingsError(`database ${db.path} is listed twice`);
    names.add(db.name);
    paths.add(db.path);
  }
  const managed = databases.some((d) => d.replicas.length === 0);

  const logLevel = (env.BORELA_LOG_LEVEL ?? "info").toLowerCase();
  if (!["debug", "info", "warn", "error"].includes(logLevel)) throw new AgentSettingsError(`BORELA_LOG_LEVEL=${JSON.stringify(env.BORELA_LOG_LEVEL)} is not debug, info, warn or error`);
  const syncInterval = flags.syncInterval ?? env.BORELA_LITESTREAM_SYNC_INTERVAL ?? "1s";
  if (!/^\d+(ms|s|m|h)$/.test(syncInterval)) throw new AgentSettingsError(`Litestream sync interval ${JSON.stringify(syncInterval)} is not a duration like 1s or 500ms`);
  // Unset, an existing litestream.yml's syntax tells which Litestream reads it (0.5's replica:, 0.3's replicas:).
  const [versionRaw, versionSource] = pick<string>(
    [flags.litestreamVersion, "--litestream-version"],
    [env.BORELA_LITESTREAM_VERSION, "BORELA_LITESTREAM_VERSION"],
    [configLine ?? undefined, `the syntax of ${litestreamConfig?.path}`],
  );
  const line = versionRaw ?? "0.5";
  if (line !== "0.3" && line !== "0.5") throw new AgentSettingsError(`${versionSource}=${JSON.stringify(versionRaw)} is not 0.3 or 0.5`);
  const defaults = agentPaths(server, databases.map((d) => d.path), process.getuid?.() ?? "user", os.tmpdir());
  const stateDir = path.resolve(cwd, flags.stateDir ?? env.BORELA_AGENT_STATE_DIR ?? defaults.stateDir);

  return {
    server,
    token,
    tokenSource: tokenFrom === "token" ? `token: in ${configPath}` : tokenFrom!,
    heartbeatIntervalSeconds,
    intervalExplicit: interval !== undefined,
    sampleIntervalSeconds,
    databases,
    mode: observe ? "observe" : managed ? "managed" : "byo",
    litestreamConfig,
    restartLitestream: flags.restartLitestream ?? true,
    countRows: flags.countRows ?? parseBool(env.BORELA_COUNT_ROWS, "BORELA_COUNT_ROWS") ?? file?.countRows ?? false,
    marker: flags.marker ?? parseBool(env.BORELA_MARKER, "BORELA_MARKER") ?? file?.marker ?? false,
    countRowsMaxBytes: parseInteger(env.BORELA_COUNT_ROWS_MAX_BYTES, "BORELA_COUNT_ROWS_MAX_BYTES", 0, Number.MAX_SAFE_INTEGER) ?? 256 * 1024 * 1024,
    statusFile: path.resolve(cwd, flags.statusFile ?? env.BORELA_AGENT_STATUS_FILE ?? path.join(stateDir, "status.json")),
    stateDir,
    litestreamBin: env.LITESTREAM_BIN || null,
    litestreamVersion: line,
    syncInterval,
    logLevel: logLevel as AgentSettings["logLevel"],
  };
}

/** The environment a supervised Litestream inherits from the agent (read here, the agent's one place that reads process.env). */
export function inheritedEnvironment(): Env {
  return process.env;
}
