// The only place in the core that reads process.env (the agent's: agent/settings.ts);
// everything below receives what it needs as parameters. Every setting has a default
// that makes `npm start` work on a fresh machine; flags override env.
//
//   loadConfig(env = process.env, overrides?): Config       the core (serve, worker, demo, a local store)
//   processEnv(env = process.env): ProcessEnv               a process without a Config (the drill's isolated child, `borela version`)
//   cliEnv(env = process.env): CliEnv                       a CLI command that talks to a core over HTTP
// Errors: ConfigError naming the variable (env-parse.ts).
import path from "node:path";
import { parseConfirmDelays, type ConfirmDelays } from "./alerts/confirm-delay.ts";
import { ConfigError, parseBool, parseHttpUrl, parseList, readInt, type Env } from "./env-parse.ts";
import { parseTrustProxy, type TrustProxy } from "./trust-proxy-setting.ts";

export { ConfigError, readInt };

/** This process's environment as the modules below receive it. */
export interface ProcessEnv {
  /** What child processes inherit (Litestream, the demo's agent): the environment itself, secrets included, as before. */
  childEnv: Env;
  /** Where Litestream binaries are looked for after the npm package and .tools/bin (PATH). */
  searchPath: string | undefined;
  /** LITESTREAM_BIN: one binary that overrides both Litestream lines. */
  litestreamBin: string | null;
}

/** What a CLI command that talks to a core reads; flags (--server, --token) win over these. */
export interface CliEnv {
  /** BORELA_SERVER, trailing slashes kept (each command trims). */
  server: string | null;
  /** BORELA_ADMIN_TOKEN. */
  adminToken: string | null;
  /** BORELA_PORT as given (the default server URL's port), "8787" when unset. */
  port: string;
}

export interface Config extends ProcessEnv {
  host: string;
  port: number;
  /** Holds the secret key, drills and, without databaseUrl, the SQLite store (borela.db). */
  dataDir: string;
  /** BORELA_DATABASE_URL: the PostgreSQL store's postgresql:// URL (may hold a password: never log it); null: SQLite in dataDir. */
  databaseUrl: string | null;
  adminToken: string | null;
  /** BORELA_METRICS_TOKEN: a bearer token that may read GET /metrics and nothing else; null when unset. */
  metricsToken: string | null;
  secretKey: string | null;
  /** The key stored secrets are encrypted with (store/secrets.ts), from secretKey or the data dir's key file: read once at start (withSecretKey); null until then. */
  encryptionKey: Buffer | null;
  publicUrl: string;
  logLevel: string;
  redisUrl: string | null;
  sweepIntervalSeconds: number;
  /** BORELA_SELF_HEARTBEAT_URL: pinged (GET) after every completed sweep so an outside check hears when the core stops; null when unset. */
  selfHeartbeatUrl: string | null;
  /** How often the core lists the replicas stored for agentless watching (BORELA_LISTING_INTERVAL_SECONDS). */
  listingIntervalSeconds: number;
  heartbeatRetentionDays: number;
  /** Bytes of heartbeat history one project may hold (BORELA_HEARTBEAT_HISTORY_MB_PER_PROJECT, in MiB); the oldest rows past it are pruned. */
  heartbeatHistoryBytesPerProject: number;
  bodyLimitBytes: number;
  rateLimitPerMinute: number;
  authFailuresPerMinute: number;
  /** Proxies whose X-Forwarded-For gives the client address (BORELA_TRUST_PROXY): false, a hop count or CIDR ranges. */
  trustProxy: TrustProxy;
  /** Operator storage for managed replicas (BORELA_S3_*); null when unset. */
  s3: S3Settings | null;
  smtpUrl: string | null;
  mailFrom: string;
  alertEmail: string[];
  drillDir: string;
  /** Directories (absolute, resolved) under which `file://` replicas may be drilled (BORELA_FILE_REPLICA_ROOTS; default: the data dir). */
  fileReplicaRoots: string[];
  /** Where a drill's restore and checks run (BORELA_DRILL_ISOLATION): a sandboxed child process (default) or a container of the Borela image. */
  drillIsolation: "process" | "docker";
  /** A running drill's lease: a worker that stops renewing it for this long is presumed dead. */
  drillLeaseSeconds: number;
  /** An incident must stay open this long before its first alert (flap guard). */
  alertConfirmSeconds: number | ConfirmDelays;
  alertReminderHours: number;
  /** First retry delay of a failed delivery; doubles per attempt. */
  alertRetrySeconds: number;
  digestCron: string;
  /** BORELA_ALERT_ALLOW_PRIVATE_TARGETS: webhooks may go to loopback and private addresses (link-local never). */
  alertAllowPrivateTargets: boolean;
  /** The built dashboard (dashboard/dist) served at `/`. */
  dashboardDir: string;
  /** At most this many databases per project (BORELA_MAX_DATABASES_PER_PROJECT); a heartbeat that would add more is refused. */
  maxDatabasesPerProject: number;
}

export interface S3Settings {
  bucket: string;
  endpoint: string | null;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Role to assume for per-project scoped credentials (AWS STS / MinIO). */
  roleArn: string | null;
}

function readUrl(env: Env, name: string): string | null {
  const raw = env[name];
  if (!raw) return null;
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  return raw;
}

function readS3(env: Env): S3Settings | null {
  const bucket = env.BORELA_S3_BUCKET;
  if (!bucket) return null;
  const accessKeyId = env.BORELA_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.BORELA_S3_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError("BORELA_S3_BUCKET is set but BORELA_S3_ACCESS_KEY_ID or BORELA_S3_SECRET_ACCESS_KEY is missing");
  }
  return {
    bucket,
    endpoint: readUrl(env, "BORELA_S3_ENDPOINT"),
    region: env.BORELA_S3_REGION || "us-east-1",
    accessKeyId,
    secretAccessKey,
    forcePathStyle: (env.BORELA_S3_FORCE_PATH_STYLE ?? (env.BORELA_S3_ENDPOINT ? "true" : "false")) === "true",
    roleArn: env.BORELA_S3_ROLE_ARN || null,
  };
}

function trustProxy(raw: string | undefined): TrustProxy {
  try {
    return parseTrustProxy(raw);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function confirmDelays(raw: string | undefined): ConfirmDelays {
  try {
    return parseConfirmDelays(raw);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function drillIsolation(raw: string | undefined): "process" | "docker" {
  if (raw === undefined || raw === "" || raw === "process") return "process";
  if (raw === "docker") return "docker";
  throw new ConfigError(`BORELA_DRILL_ISOLATION=${JSON.stringify(raw)} is not process or docker`);
}

function fileReplicaRoots(raw: string | undefined, dataDir: string): string[] {
  const roots = parseList(raw);
  return roots.length > 0 ? roots.map((r) => path.resolve(r)) : [dataDir];
}

export function processEnv(env: Env = process.env): ProcessEnv {
  return { childEnv: env, searchPath: env.PATH, litestreamBin: env.LITESTREAM_BIN || null };
}

export function cliEnv(env: Env = process.env): CliEnv {
  return { server: env.BORELA_SERVER || null, adminToken: env.BORELA_ADMIN_TOKEN || null, port: env.BORELA_PORT || "8787" };
}

/**
 * BORELA_DATABASE_URL: unset or empty, the core's store is SQLite in BORELA_DATA_DIR (null); a postgresql://
 * or postgres:// URL selects PostgreSQL (store/open.ts), returned as given. The URL's shape is checked
 * here; reaching the server is the store's first connection. Errors: ConfigError naming the variable and
 * at most the URL's scheme (the URL may hold a password).
 */
export function parseDatabaseUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw === "") return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase() ?? null;
  if (scheme !== "postgresql" && scheme !== "postgres") {
    throw new ConfigError(`BORELA_DATABASE_URL (scheme ${scheme ?? "none"}) is not supported: give a postgresql:// URL, or unset it to use the embedded SQLite store in BORELA_DATA_DIR`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("BORELA_DATABASE_URL is not a valid postgresql:// URL (postgresql://user[:password]@host[:port]/database)");
  }
  if (!url.hostname || url.pathname.length <= 1) {
    throw new ConfigError("BORELA_DATABASE_URL names no host or no database (postgresql://user[:password]@host[:port]/database)");
  }
  return raw;
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const databaseUrl = parseDatabaseUrl(env.BORELA_DATABASE_URL);
  const dataDir = path.resolve(overrides.dataDir ?? env.BORELA_DATA_DIR ?? "./data");
  const port = overrides.port ?? readInt(env, "BORELA_PORT", 8787, 0, 65535);
  const host = overrides.host ?? env.BORELA_HOST ?? "127.0.0.1";
  const config: Config = {
    ...processEnv(env),
    host,
    port,
    dataDir,
    databaseUrl,
    adminToken: env.BORELA_ADMIN_TOKEN || null,
    metricsToken: env.BORELA_METRICS_TOKEN || null,
    secretKey: env.BORELA_SECRET_KEY || null,
    encryptionKey: null,
    publicUrl: (readUrl(env, "BORELA_PUBLIC_URL") ?? `http://${host.includes(":") ? `[${host}]` : host}:${port}`).replace(/\/$/, ""),
    logLevel: env.BORELA_LOG_LEVEL || "info",
    redisUrl: readUrl(env, "BORELA_REDIS_URL"),
    sweepIntervalSeconds: readInt(env, "BORELA_SWEEP_INTERVAL_SECONDS", 15, 1, 3600),
    selfHeartbeatUrl: parseHttpUrl(env.BORELA_SELF_HEARTBEAT_URL, "BORELA_SELF_HEARTBEAT_URL") ?? null,
    listingIntervalSeconds: readInt(env, "BORELA_LISTING_INTERVAL_SECONDS", 60, 1, 86400),
    heartbeatRetentionDays: readInt(env, "BORELA_HEARTBEAT_RETENTION_DAYS", 30, 1, 3650),
    heartbeatHistoryBytesPerProject: readInt(env, "BORELA_HEARTBEAT_HISTORY_MB_PER_PROJECT", 20, 1, 100_000) * 1024 * 1024,
    bodyLimitBytes: readInt(env, "BORELA_BODY_LIMIT_BYTES", 256 * 1024, 1024, 16 * 1024 * 1024),
    rateLimitPerMinute: readInt(env, "BORELA_RATE_LIMIT_PER_MINUTE", 600, 1, 10_000_000),
    authFailuresPerMinute: readInt(env, "BORELA_AUTH_FAILURES_PER_MINUTE", 30, 1, 10_000_000),
    trustProxy: trustProxy(env.BORELA_TRUST_PROXY),
    s3: readS3(env),
    smtpUrl: readUrl(env, "BORELA_SMTP_URL"),
    mailFrom: env.BORELA_MAIL_FROM || "borela@localhost",
    alertEmail: parseList(env.BORELA_ALERT_EMAIL),
    drillDir: path.resolve(env.BORELA_DRILL_DIR ?? path.join(dataDir, "drills")),
    fileReplicaRoots: fileReplicaRoots(env.BORELA_FILE_REPLICA_ROOTS, dataDir),
    drillIsolation: drillIsolation(env.BORELA_DRILL_ISOLATION),
    drillLeaseSeconds: readInt(env, "BORELA_DRILL_LEASE_SECONDS", 30, 1, 3600),
    alertConfirmSeconds: confirmDelays(env.BORELA_ALERT_CONFIRM_SECONDS),
    alertReminderHours: readInt(env, "BORELA_ALERT_REMINDER_HOURS", 24, 1, 24 * 365),
    alertRetrySeconds: readInt(env, "BORELA_ALERT_RETRY_SECONDS", 5, 1, 3600),
    digestCron: env.BORELA_DIGEST_CRON || "0 8 * * 1",
    alertAllowPrivateTargets: parseBool(env.BORELA_ALERT_ALLOW_PRIVATE_TARGETS, "BORELA_ALERT_ALLOW_PRIVATE_TARGETS") ?? false,
    dashboardDir: path.resolve(env.BORELA_DASHBOARD_DIR ?? path.join(import.meta.dirname, "..", "..", "dashboard", "dist")),
    maxDatabasesPerProject: readInt(env, "BORELA_MAX_DATABASES_PER_PROJECT", 32, 1, 10_000),
  };
  return { ...config, ...overrides };
}
