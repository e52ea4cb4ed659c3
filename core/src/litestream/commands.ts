// Litestream's one-shot commands, with a time limit, and their output parsed.
//
//   type ReplicaSource = { replica: ReplicaTarget }                 // a temporary private config is written for the call
//                      | { configPath: string; dbPath: string; env?: Record<string, string> }
//   restore(source, options: RestoreOptions): Promise<RestoreResult>
//     options: { outputPath, timestamp?: Date, generation?, txid?: number (0.5), replicaName?, ifReplicaExists?, timeoutMs?, bin?, onProgress?(p: RestoreProgress) }
//     Rejects with RestoreError (message = Litestream's own error, e.g. "no matching backups found";
//     `timedOut` when the limit was hit, the child then killed). outputPath must not exist yet.
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { processEnv } from "../config.ts";
import { resolveLitestreamBin } from "./binary.ts";
import { writeLitestreamConfig } from "./config.ts";
import { parseLogLine } from "./log-line.ts";
import type { ReplicaTarget } from "./replica-url.ts";

export type ReplicaSource = { replica: ReplicaTarget } | { configPath: string; dbPath: string; env?: Record<string, string> };

export interface CommandOptions {
  bin?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RestoreProgress {
  stage: "snapshot" | "wal" | "wal-downloaded" | "wal-applied" | "rename";
  generation?: string;
  index?: number;
  indexMax?: number;
  elapsedMs: number;
}

export interface RestoreOptions extends CommandOptions {
  outputPath: string;
  timestamp?: Date;
  generation?: string;
  /** Litestream 0.5's `-txid`: restore up to this transaction ID (inclusive); not with `timestamp`. */
  txid?: number;
  replicaName?: string;
  /** Exit 0 without a file when the replica holds no backup. */
  ifReplicaExists?: boolean;
  onProgress?: (progress: RestoreProgress) => void;
}

export interface RestoreResult {
  outputPath: string;
  durationMs: number;
  generation: string | null;
  snapshotIndex: number | null;
  walIndexMax: number | null;
  /** False when ifReplicaExists was set and there was nothing to restore. */
  restored: boolean;
}

export class LitestreamCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly timedOut: boolean,
    readonly output: string,
  ) {
    super(message);
  }
}
export class RestoreError extends LitestreamCommandError {}

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
  timedOut: boolean;
}

function runLitestream(bin: string, args: string[], env: Record<string, string>, options: CommandOptions, onLine?: (line: string) => void): Promise<Run> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    // This process's environment (config.ts reads it) with the replica's variables over it.
    const child = spawn(bin, args, { env: { ...processEnv().childEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let pending = "";
    const feed = (chunk: string) => {
      if (!onLine) return;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) !== -1) {
        onLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    };
    child.stdout.setEncoding("utf8").on("data", (c: string) => ((stdout += c), feed(c)));
    child.stderr.setEncoding("utf8").on("data", (c: string) => ((stderr += c), feed(c)));
    const kill = () => {
      timedOut = true;
      child.kill("SIGTERM");
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"), 2000).unref();
    };
    const timer = setTimeout(kill, timeoutMs);
    options.signal?.addEventListener("abort", kill, { once: true });
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new LitestreamCommandError(`cannot run ${bin}: ${err.message}`, null, false, ""));
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", kill);
      if (pending && onLine) onLine(pending);
      resolve({ stdout, stderr, code, timedOut });
    });
  });
}

/** Litestream's own error line ("failed to run" error=…), a Go panic's first line, else the last non-empty output line. */
function failureMessage(run: Run): string {
  const lines = `${run.stdout}\n${run.stderr}`.split("\n").filter((l) => l.trim());
  const panic = lines.find((l) => l.startsWith("panic: "));
  if (panic) return `litestream crashed: ${panic.slice(7).trim()}`;
  for (const line of [...lines].reverse()) {
    const parsed = parseLogLine(line);
    if (parsed?.level === "ERROR" && parsed.attrs.error) return parsed.attrs.error;
  }
  return lines.at(-1)?.trim() ?? `exit code ${run.code}`;
}

async function withSource<T>(source: ReplicaSource, fn: (configPath: string, dbPath: string, env: Record<string, string>) => Promise<T>): Promise<T> {
  if ("configPath" in source) return fn(source.configPath, source.dbPath, source.env ?? {});
  const dir = await mkdtemp(path.join(os.tmpdir(), "borela-ls-"));
  try {
    const dbPath = path.join(dir, "database.sqlite3");
    const { path: configPath, env } = await writeLitestreamConfig(dir, { addr: null, databases: [{ path: dbPath, replicas: [source.replica] }] });
    return await fn(configPath, dbPath, env);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function restore(source: ReplicaSource, options: RestoreOptions): Promise<RestoreResult> {
  const bin = options.bin ?? resolveLitestreamBin();
  if (!path.isAbsolute(options.outputPath)) throw new RestoreError(`restore output path ${JSON.stringify(options.outputPath)} is not absolute`, null, false, "");
  const started = Date.now();
  let generation: string | null = null;
  let snapshotIndex: number | null = null;
  let walIndexMax: number | null = null;
  let renamed = false;
  const onLine = (raw: string) => {
    const line = parseLogLine(raw);
    if (!line) return;
    const index = line.attrs.index !== undefined ? Number(line.attrs.index) : undefined;
    const base = { generation: line.attrs.generation, elapsedMs: Date.now() - started };
    let progress: RestoreProgress | null = null;
    if (line.msg === "restoring snapshot") {
      generation = line.attrs.generation ?? null;
      snapshotIndex = index ?? null;
      progress = { stage: "snapshot", index, ...base };
    } else if (line.msg === "restoring wal files") {
      walIndexMax = Number(line.attrs.index_max);
      progress = { stage: "wal", index: Number(line.attrs.index_min), indexMax: walIndexMax, ...base };
    } else if (line.msg === "downloaded wal") {
      progress = { stage: "wal-downloaded", index, ...base };
    } else if (line.msg === "applied wal") {
      progress = { stage: "wal-applied", index, ...base };
    } else if (line.msg.startsWith("renaming database")) {
      renamed = true;
      progress = { stage: "rename", ...base };
    }
    if (progress && options.onProgress) options.onProgress(progress);
  };
  return withSource(source, async (configPath, dbPath, env) => {
    const args = ["restore", "-config", configPath, "-no-expand-env", "-o", options.outputPath];
    if (options.replicaName) args.push("-replica", options.replicaName);
    if (options.generation) args.push("-generation", options.generation);
    if (options.timestamp) args.push("-timestamp", options.timestamp.toISOString());
    if (options.txid !== undefined) args.push("-txid", options.txid.toString(16).padStart(16, "0"));
    if (options.ifReplicaExists) args.push("-if-replica-exists");
    args.push(dbPath);
    const run = await runLitestream(bin, args, env, options, onLine);
    const limit = options.timeoutMs ?? 60_000;
    if (run.timedOut) {
      await rm(`${options.outputPath}.tmp`, { force: true });
      throw new RestoreError(`litestream restore timed out after ${limit} ms`, run.code, true, run.stderr);
    }
    if (run.code !== 0) throw new RestoreError(`litestream restore failed: ${failureMessage(run)}`, run.code, false, run.stderr);
    const restored = renamed || (await stat(options.outputPath).then(() => true, () => false));
    return { outputPath: options.outputPath, durationMs: Date.now() - started, generation, snapshotIndex, walIndexMax, restored };
  });
}
