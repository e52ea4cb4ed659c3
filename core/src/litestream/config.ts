// Litestream 0.3.13's config file, both ways.
//
//   renderLitestreamConfig(config: LitestreamConfig): { yaml: string; env: Record<string, string> }
//     S3 keys without a session token are written into the YAML (so the file must
//     stay private: 0600 in a 0700 directory); keys with a session token go to `env`
//     (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), because 0.3.13
//     reads session tokens only from the environment.
//   writeLitestreamConfig(dir: string, config: LitestreamConfig, file = "litestream.yml"): Promise<{ path: string; env }>
//   parseLitestreamConfig(text: string, env, options?: { expandEnv?: boolean; cwd?: string }): LitestreamConfig
//   readLitestreamConfigFile(file: string, env, options?): Promise<LitestreamConfig>
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { expandEnv } from "./expand-env.ts";
import { parseReplicaUrl, redactReplicaUrl, type ReplicaTarget, type S3Credentials } from "./replica-url.ts";

export interface LitestreamDatabase {
  path: string;
  replicas: ReplicaTarget[];
  monitorInterval?: string;
  checkpointInterval?: string;
}

export interface LitestreamConfig {
  /** host:port of the Prometheus endpoint; null for none. */
  addr: string | null;
  databases: LitestreamDatabase[];
}

export class LitestreamConfigError extends Error {}

type Env = Record<string, string | undefined>;
type YamlMap = Record<string, unknown>;

/** Litestream's default replica name is its type; names must be unique per database. */
export function replicaNames(replicas: ReplicaTarget[]): string[] {
  const counts = new Map<string, number>();
  for (const r of replicas) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const seen = new Map<string, number>();
  return replicas.map((r) => {
    if (r.name) return r.name;
    if (counts.get(r.type) === 1) return r.type;
    const n = (seen.get(r.type) ?? 0) + 1;
    seen.set(r.type, n);
    return `${r.type}${n}`;
  });
}

function sessionCredentials(config: LitestreamConfig): S3Credentials | null {
  let found: S3Credentials | null = null;
  for (const db of config.databases) {
    for (const r of db.replicas) {
      if (r.type !== "s3" || !r.credentials?.sessionToken) continue;
      if (found && (found.accessKeyId !== r.credentials.accessKeyId || found.sessionToken !== r.credentials.sessionToken)) {
        throw new LitestreamConfigError(
          `replicas with different session credentials cannot share one Litestream process (${db.path})`,
        );
      }
      found = r.credentials;
    }
  }
  return found;
}

function renderReplica(r: ReplicaTarget, name: string, inlineKeys: boolean): YamlMap {
  const out: YamlMap = { name, type: r.type };
  if (r.type === "file") {
    out.path = r.path;
  } else {
    out.bucket = r.bucket;
    if (r.path) out.path = r.path;
    if (r.endpoint) out.endpoint = r.endpoint;
    if (r.region) out.region = r.region;
    if (r.forcePathStyle !== null) out["force-path-style"] = r.forcePathStyle;
    if (inlineKeys && r.credentials && !r.credentials.sessionToken) {
      out["access-key-id"] = r.credentials.accessKeyId;
      out["secret-access-key"] = r.credentials.secretAccessKey;
    }
  }
  if (r.syncInterval) out["sync-interval"] = r.syncInterval;
  if (r.snapshotInterval) out["snapshot-interval"] = r.snapshotInterval;
  if (r.retention) out.retention = r.retention;
  if (r.validationInterval) out["validation-interval"] = r.validationInterval;
  return out;
}

export function renderLitestreamConfig(config: LitestreamConfig): { yaml: string; env: Record<string, string> } {
  for (const db of config.databases) {
    if (!path.isAbsolute(db.path)) throw new LitestreamConfigError(`database path ${JSON.stringify(db.path)} is not absolute`);
    if (db.replicas.length === 0) throw new LitestreamConfigError(`database ${db.path} has no replica`);
  }
  const session = sessionCredentials(config);
  const doc: YamlMap = {};
  if (config.addr) doc.addr = config.addr;
  doc.dbs = config.databases.map((db) => {
    const names = replicaNames(db.replicas);
    const out: YamlMap = { path: db.path };
    if (db.monitorInterval) out["monitor-interval"] = db.monitorInterval;
    if (db.checkpointInterval) out["checkpoint-interval"] = db.checkpointInterval;
    out.replicas = db.replicas.map((r, i) => renderReplica(r, names[i], true));
    return out;
  });
  const env: Record<string, string> = {};
  if (session) {
    env.AWS_ACCESS_KEY_ID = session.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = session.secretAccessKey;
    env.AWS_SESSION_TOKEN = session.sessionToken!;
  }
  // The file is read with -no-expand-env, so a "$" in a secret stays literal.
  return { yaml: `# Written by borela agent; regenerated on every start.\n${YAML.stringify(doc)}`, env };
}

export async function writeLitestreamConfig(
  dir: string,
  config: LitestreamConfig,
  file = "litestream.yml",
): Promise<{ path: string; env: Record<string, string> }> {
  const { yaml, env } = renderLitestreamConfig(config);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const target = path.join(dir, file);
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, yaml, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, target);
  return { path: target, env };
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined;
}

function expandHome(p: string, cwd: string): string {
  if (p === "~") return os.homedir();
  if (p.startsWith("~/")) return path.join(os.homedir(), p.slice(2));
  return path.resolve(cwd, p);
}

function parseReplica(raw: YamlMap, global: YamlMap, where: string, cwd: string): ReplicaTarget {
  const name = str(raw.name);
  const timings = {
    syncInterval: str(raw["sync-interval"]),
    snapshotInterval: str(raw["snapshot-interval"]),
    retention: str(raw.retention),
    validationInterval: str(raw["validation-interval"]),
  };
  const keyId = str(raw["access-key-id"]) ?? str(global["access-key-id"]);
  const secret = str(raw["secret-access-key"]) ?? str(global["secret-access-key"]);
  const url = str(raw.url);
  let target: ReplicaTarget;
  if (url) {
    try {
      target = parseReplicaUrl(url, name);
    } catch (err) {
      throw new LitestreamConfigError(`${where}: ${(err as Error).message}`);
    }
  } else {
    const type = str(raw.type) ?? "file";
    if (type === "file") {
      const p = str(raw.path);
      if (!p) throw new LitestreamConfigError(`${where}: file replica has no path`);
      target = { type: "file", name, path: expandHome(p, cwd) };
    } else if (type === "s3") {
      const bucket = str(raw.bucket);
      if (!bucket) throw new LitestreamConfigError(`${where}: s3 replica has no bucket`);
      const endpoint = str(raw.endpoint) ?? null;
      const fps = raw["force-path-style"];
      target = {
        type: "s3",
        name,
        bucket,
        path: (str(raw.path) ?? "").replace(/^\/+|\/+$/g, ""),
        endpoint,
        region: str(raw.region) ?? null,
        forcePathStyle: typeof fps === "boolean" ? fps : endpoint ? true : null,
        credentials: null,
      };
    } else {
      throw new LitestreamConfigError(`${where}: replica type ${JSON.stringify(type)} is not supported by borela (file, s3)`);
    }
  }
  if (target.type === "s3" && keyId && secret && !target.credentials) {
    target.credentials = { accessKeyId: keyId, secretAccessKey: secret };
  }
  if (target.type === "s3" && url && (str(raw.endpoint) || str(raw.region))) {
    target.endpoint = str(raw.endpoint) ?? target.endpoint;
    target.region = str(raw.region) ?? target.region;
  }
  return { ...target, ...Object.fromEntries(Object.entries(timings).filter(([, v]) => v)) };
}

export function parseLitestreamConfig(
  text: string,
  env: Env,
  options: { expandEnv?: boolean; cwd?: string; source?: string } = {},
): LitestreamConfig {
  const source = options.source ?? "litestream config";
  const cwd = options.cwd ?? process.cwd();
  let doc: unknown;
  try {
    doc = YAML.parse(options.expandEnv === false ? text : expandEnv(text, env));
  } catch (err) {
    throw new LitestreamConfigError(`${source} is not valid YAML: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== "object") throw new LitestreamConfigError(`${source} is empty`);
  const root = doc as YamlMap;
  const dbs = Array.isArray(root.dbs) ? (root.dbs as YamlMap[]) : [];
  if (dbs.length === 0) throw new LitestreamConfigError(`${source} lists no databases under dbs:`);
  const databases = dbs.map((db, i) => {
    const p = str(db?.path);
    if (!p) throw new LitestreamConfigError(`${source}: dbs[${i}] has no path`);
    const replicas = Array.isArray(db.replicas) ? (db.replicas as YamlMap[]) : [];
    if (replicas.length === 0) throw new LitestreamConfigError(`${source}: database ${p} has no replicas`);
    return {
      path: expandHome(p, cwd),
      replicas: replicas.map((r, j) => parseReplica(r ?? {}, root, `${source}: dbs[${i}].replicas[${j}]`, cwd)),
      monitorInterval: str(db["monitor-interval"]),
      checkpointInterval: str(db["checkpoint-interval"]),
    };
  });
  return { addr: str(root.addr) ?? null, databases };
}

export async function readLitestreamConfigFile(
  file: string,
  env: Env,
  options: { expandEnv?: boolean; cwd?: string } = {},
): Promise<LitestreamConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new LitestreamConfigError(`cannot read Litestream config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseLitestreamConfig(text, env, { ...options, source: file });
}

/** A one-line description of a config's replicas for logs: URLs without secrets. */
export function describeConfig(config: LitestreamConfig): string {
  return config.databases
    .map((db) => `${db.path} → ${db.replicas.map((r) => (r.url ? redactReplicaUrl(r.url) : `${r.type}:${r.type === "file" ? r.path : `${r.bucket}/${r.path}`}`)).join(", ")}`)
    .join("; ");
}
