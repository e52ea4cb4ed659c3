// A real Litestream 0.5 `litestream replicate` for tests, and a plain
// `litestream restore` with the same binary. The config is 0.5's own shape (one
// `replica:` per database), fast intervals so compaction into level 1 and
// snapshots (level 9) happen within a test. Stopped by PID.
import { mkdirSync, writeFileSync } from "node:fs";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { resolveLitestreamBinFor } from "../../src/litestream/binary.ts";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import type { ReplicaTarget } from "../../src/litestream/replica-url.ts";
import { waitFor } from "../support/wait-for.ts";
import { stopChild } from "../support/child-output.ts";

export const litestream05 = () => resolveLitestreamBinFor("0.5", null);

/**
 * The test process's environment without AWS_CA_BUNDLE: Litestream 0.5's S3 client refuses to start when it is
 * set ("unable to add custom RootCAs HTTPClient"); this machine sets it. Drills run Litestream with an
 * environment of their own and never see it.
 */
export function litestream05Env(): NodeJS.ProcessEnv {
  const { AWS_CA_BUNDLE: _drop, ...env } = process.env;
  return env;
}

export interface V5Options {
  /** Level 1 compaction interval (Go duration), default "2s". */
  l1?: string;
  /** Snapshot (level 9) interval, default "1h". */
  snapshotInterval?: string;
}

function replicaYaml(replica: ReplicaTarget): Record<string, unknown> {
  if (replica.type === "file") return { type: "file", path: replica.path, "sync-interval": "100ms" };
  return {
    type: "s3",
    bucket: replica.bucket,
    ...(replica.path ? { path: replica.path } : {}),
    ...(replica.endpoint ? { endpoint: replica.endpoint } : {}),
    region: replica.region ?? "us-east-1",
    "force-path-style": replica.forcePathStyle ?? true,
    ...(replica.credentials ? { "access-key-id": replica.credentials.accessKeyId, "secret-access-key": replica.credentials.secretAccessKey } : {}),
    "sync-interval": "100ms",
  };
}

export function writeV5Config(dir: string, dbPath: string, replica: ReplicaTarget, options: V5Options = {}): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const config = {
    levels: [{ interval: options.l1 ?? "2s" }],
    snapshot: { interval: options.snapshotInterval ?? "1h" },
    dbs: [{ path: dbPath, "monitor-interval": "100ms", replica: replicaYaml(replica) }],
  };
  const file = path.join(dir, "litestream-0.5.yml");
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

export interface LiveV5 {
  lines: string[];
  /** Waits until the replica's newest LTX file reaches at least `txid` (any level). */
  reaches(txid: number, timeoutMs?: number): Promise<void>;
  /** After a write: waits until the replica holds a TXID beyond the newest it held at the previous call; returns it. */
  caughtUp(timeoutMs?: number): Promise<number>;
  /** Waits until the replica holds a snapshot (level 9). */
  snapshotted(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startLitestream05(dir: string, dbPath: string, replica: ReplicaTarget, options: V5Options = {}): Promise<LiveV5> {
  const configPath = writeV5Config(dir, dbPath, replica, options);
  const lines: string[] = [];
  const child: ChildProcess = spawn(litestream05(), ["replicate", "-config", configPath], { env: litestream05Env(), stdio: ["ignore", "pipe", "pipe"] });
  const keep = (chunk: Buffer) => {
    for (const l of chunk.toString("utf8").split("\n")) if (l && lines.length < 5000) lines.push(l);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const client = openReplicaClient(replica);
  let seen = 0;
  return {
    lines,
    async reaches(txid, timeoutMs = 15_000) {
      await waitFor(
        async () => {
          const { ltx } = await client.list().catch(() => ({ ltx: [] }));
          return ltx.some((f) => f.maxTXID >= txid) ? true : null;
        },
        { timeoutMs, what: `LTX files up to TXID ${txid} (litestream: ${lines.slice(-3).join(" | ")})` },
      );
    },
    async caughtUp(timeoutMs = 30_000) {
      const before = seen;
      seen = await waitFor(
        async () => {
          const { ltx } = await client.list().catch(() => ({ ltx: [] as { maxTXID: number }[] }));
          const max = Math.max(0, ...ltx.map((f) => f.maxTXID));
          return max > before ? max : null;
        },
        { timeoutMs, what: `the replica beyond TXID ${before} (litestream: ${lines.slice(-3).join(" | ")})` },
      );
      return seen;
    },
    async snapshotted(timeoutMs = 15_000) {
      await waitFor(
        async () => ((await client.list().catch(() => ({ ltx: [] as { level: number }[] }))).ltx.some((f) => f.level === 9) ? true : null),
        { timeoutMs, what: `a snapshot (level 9) in the replica (litestream: ${lines.slice(-3).join(" | ")})` },
      );
    },
    stop: () => stopChild(child, 5_000),
  };
}

/**
 * Writes `<dir>/litestream.yml` by hand: the `top` lines (heartbeat-url, snapshot…), then `dbPath` with a file replica in
 * `replica`, 100 ms monitor and sync intervals; starts `replicate` on it. Returns the child (the caller stops it) and its
 * stderr in chunks (at most 1000).
 */
export function replicateToFile05(dir: string, dbPath: string, replica: string, top: string[]): { child: ChildProcess; lines: string[] } {
  const config = path.join(dir, "litestream.yml");
  writeFileSync(
    config,
    [
      ...top,
      `dbs:`,
      `  - path: ${JSON.stringify(dbPath)}`,
      `    monitor-interval: 100ms`,
      `    replica: { type: file, path: ${JSON.stringify(replica)}, sync-interval: 100ms }`,
      "",
    ].join("\n"),
  );
  const lines: string[] = [];
  const child = spawn(litestream05(), ["replicate", "-config", config], { env: litestream05Env(), stdio: ["ignore", "pipe", "pipe"] });
  child.stderr!.on("data", (c: Buffer) => lines.length < 1000 && lines.push(c.toString()));
  return { child, lines };
}

export interface Run05 {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `litestream <command> -config <0.5 config for replica> … <db>` with the 0.5 binary; bounded by timeoutMs. */
export async function run05(dir: string, replica: ReplicaTarget, args: string[], timeoutMs = 60_000): Promise<Run05> {
  const dbPath = path.join(dir, "source.sqlite3");
  const configPath = writeV5Config(dir, dbPath, replica);
  return new Promise((resolve, reject) => {
    const child = spawn(litestream05(), [args[0], "-config", configPath, ...args.slice(1), dbPath], { env: litestream05Env(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface DryRunFile {
  level: number;
  name: string;
}

/** Litestream 0.5's own restore plan (`restore -dry-run -json`), or its error. */
export async function litestreamPlan(dir: string, replica: ReplicaTarget, timestamp?: Date): Promise<{ files: DryRunFile[] } | { error: string }> {
  const run = await run05(dir, replica, ["restore", "-dry-run", "-json", "-o", path.join(dir, "never.sqlite3"), ...(timestamp ? ["-timestamp", timestamp.toISOString()] : [])]);
  if (run.code !== 0) return { error: `${run.stderr}${run.stdout}`.trim() };
  const parsed = JSON.parse(run.stdout) as { files: DryRunFile[] };
  return { files: parsed.files.map((f) => ({ level: f.level, name: f.name })) };
}

/** A plain `litestream restore` (0.5) of the replica into `output`: null, or Litestream's error. */
export async function restore05(dir: string, replica: ReplicaTarget, output: string, timestamp?: Date): Promise<string | null> {
  const run = await run05(dir, replica, ["restore", "-o", output, ...(timestamp ? ["-timestamp", timestamp.toISOString()] : [])]);
  return run.code === 0 ? null : `${run.stderr}${run.stdout}`.trim();
}
