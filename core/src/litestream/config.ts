// Litestream's config file as the agent writes it, for 0.3.13 (`replicas:` per database)
// or 0.5.16 (`line: "0.5"`: exactly one `replica:` per database; checked against
// `litestream-0.5 replicate -config x.yml`). (Reading a user's existing file is config-file.ts.)
//
//   renderLitestreamConfig(config: LitestreamConfig): { yaml: string; env: Record<string, string> }
//     The text is JSON, which is YAML too: no YAML library in the agent's memory.
//     S3 keys without a session token are written into the YAML (so the file must
//     stay private: 0600 in a 0700 directory); keys with a session token go to `env`
//     (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), because 0.3.13
//     reads session tokens only from the environment.
//   writeLitestreamConfig(dir: string, config: LitestreamConfig, file = "litestream.yml"): Promise<{ path: string; env }>
//   replicaNames(replicas: ReplicaTarget[]): string[]   the names Litestream reports replicas under
import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LitestreamLine } from "./binary.ts";
import type { ReplicaTarget, S3Credentials } from "./replica-url.ts";
import { goDuration, type SnapshotSettings } from "./snapshot-config.ts";

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
  /** Which Litestream reads the file; default "0.3". */
  line?: LitestreamLine;
  /** 0.5's top-level `snapshot:` block (snapshot-config.ts); written only for 0.5, only what is set. */
  snapshot?: SnapshotSettings | null;
}

export class LitestreamConfigError extends Error {}

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
  if (r.retentionCheckInterval) out["retention-check-interval"] = r.retentionCheckInterval;
  if (r.validationInterval) out["validation-interval"] = r.validationInterval;
  return out;
}

export function renderLitestreamConfig(config: LitestreamConfig): { yaml: string; env: Record<string, string> } {
  for (const db of config.databases) {
    if (!path.isAbsolute(db.path)) throw new LitestreamConfigError(`database path ${JSON.stringify(db.path)} is not absolute`);
    if (db.replicas.length === 0) throw new LitestreamConfigError(`database ${db.path} has no replica`);
    if (config.line === "0.5" && db.replicas.length > 1) {
      throw new LitestreamConfigError(`database ${db.path} has ${db.replicas.length} replicas: Litestream 0.5 takes one replica per database`);
    }
  }
  const session = sessionCredentials(config);
  const doc: YamlMap = {};
  if (config.addr) doc.addr = config.addr;
  const snapshot = config.line === "0.5" ? config.snapshot : null;
  if (snapshot?.intervalMs || snapshot?.retentionMs) {
    doc.snapshot = {
      ...(snapshot.intervalMs ? { interval: goDuration(snapshot.intervalMs) } : {}),
      ...(snapshot.retentionMs ? { retention: goDuration(snapshot.retentionMs) } : {}),
    };
  }
  doc.dbs = config.databases.map((db) => {
    const names = replicaNames(db.replicas);
    const out: YamlMap = { path: db.path };
    if (db.monitorInterval) out["monitor-interval"] = db.monitorInterval;
    if (db.checkpointInterval) out["checkpoint-interval"] = db.checkpointInterval;
    if (config.line === "0.5") {
      // 0.5 has no validation; validation-interval would be ignored, so it is not written.
      const { name: _name, "validation-interval": _v, ...replica } = renderReplica(db.replicas[0], names[0], true);
      out.replica = replica;
    } else out.replicas = db.replicas.map((r, i) => renderReplica(r, names[i], true));
    return out;
  });
  const env: Record<string, string> = {};
  if (session) {
    env.AWS_ACCESS_KEY_ID = session.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = session.secretAccessKey;
    env.AWS_SESSION_TOKEN = session.sessionToken!;
  }
  // The file is read with -no-expand-env, so a "$" in a secret stays literal.
  return { yaml: `# Written by borela agent; regenerated on every start.\n${JSON.stringify(doc, null, 2)}\n`, env };
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
