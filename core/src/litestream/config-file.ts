// A user's existing litestream.yml, read the way Litestream reads it: `$VAR`/`${VAR}` expanded from the
// environment, `~` and relative paths made absolute, global access keys applied to S3 replicas without
// their own. Both syntaxes: 0.3.13's `replicas:` list per database, and 0.5's single `replica:` mapping
// (0.5.16's config reference: `dbs: [{path, replica: {url | type, path, bucket, …}}]`).
//
//   parseLitestreamConfig(text: string, env, options?: { expandEnv?: boolean; cwd?: string; source?: string }): LitestreamConfig
//     `line` is "0.5" when any database uses `replica:` (only 0.5 reads it), "0.3" otherwise (the
//     `replicas:` list is 0.3's documented syntax). Both keys on one database: LitestreamConfigError.
//   readLitestreamConfigFile(file: string, env, options?): Promise<LitestreamConfig>
//   `snapshot`: 0.5's `snapshot: {interval, retention}` (top level, else agreed per database), null when unset
//   (snapshot-config.ts; a bad duration: LitestreamConfigError naming the field).
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { LitestreamConfigError, type LitestreamConfig } from "./config.ts";
import { expandEnv } from "./expand-env.ts";
import { parseReplicaUrl, type ReplicaTarget } from "./replica-url.ts";
import { readSnapshotSettings } from "./snapshot-config.ts";

type Env = Record<string, string | undefined>;
type YamlMap = Record<string, unknown>;

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
    retentionCheckInterval: str(raw["retention-check-interval"]),
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
  let single = false;
  const databases = dbs.map((db, i) => {
    const p = str(db?.path);
    if (!p) throw new LitestreamConfigError(`${source}: dbs[${i}] has no path`);
    const one = db.replica;
    if (one !== undefined && one !== null && db.replicas !== undefined && db.replicas !== null) {
      throw new LitestreamConfigError(`${source}: database ${p} has both replica: and replicas: (Litestream 0.5 takes one replica:, 0.3 a replicas: list)`);
    }
    if (one !== undefined && one !== null && (typeof one !== "object" || Array.isArray(one))) {
      throw new LitestreamConfigError(`${source}: dbs[${i}].replica of ${p} must be a mapping (url: or type:, path:, bucket:)`);
    }
    single ||= one !== undefined && one !== null;
    const replicas = one ? [one as YamlMap] : Array.isArray(db.replicas) ? (db.replicas as YamlMap[]) : [];
    if (replicas.length === 0) throw new LitestreamConfigError(`${source}: database ${p} has no replicas`);
    return {
      path: expandHome(p, cwd),
      replicas: replicas.map((r, j) => parseReplica(r ?? {}, root, one ? `${source}: dbs[${i}].replica` : `${source}: dbs[${i}].replicas[${j}]`, cwd)),
      monitorInterval: str(db["monitor-interval"]),
      checkpointInterval: str(db["checkpoint-interval"]),
    };
  });
  return { addr: str(root.addr) ?? null, databases, line: single ? "0.5" : "0.3", snapshot: readSnapshotSettings(root, dbs, source) };
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
