// One `litestream replicate` process: spawned with a rendered config, its log
// lines handed to a callback, stopped with SIGTERM so it does its final sync
// (SIGKILL only after a grace period).
//
//   spawnReplicate(options: ReplicateOptions): ReplicateProcess
//     options: { bin, configPath, env?, onLine?(line: string, stream: "stdout" | "stderr") }
//   ReplicateProcess: { pid, exited: Promise<ExitInfo>, running(): boolean, stop(graceMs = 10_000): Promise<ExitInfo>, kill(): void }
import { spawn } from "node:child_process";

export interface ReplicateOptions {
  bin: string;
  configPath: string;
  /** Added to the inherited environment (e.g. AWS_SESSION_TOKEN for managed credentials). */
  env?: Record<string, string>;
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The spawn itself failed (binary missing, not executable). */
  error?: string;
}

export interface ReplicateProcess {
  pid: number | undefined;
  exited: Promise<ExitInfo>;
  running(): boolean;
  /** SIGTERM, wait up to graceMs for the final sync, then SIGKILL. */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** SIGKILL at once (tests: "Litestream died"). */
  kill(): void;
}

function lines(onLine: ReplicateOptions["onLine"], stream: "stdout" | "stderr") {
  let pending = "";
  return {
    data(chunk: string) {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.trim()) onLine?.(line, stream);
      }
      // A runaway line without newline must not grow without bound.
      if (pending.length > 64 * 1024) pending = pending.slice(-16 * 1024);
    },
    flush() {
      if (pending.trim()) onLine?.(pending, stream);
      pending = "";
    },
  };
}

export function spawnReplicate(options: ReplicateOptions): ReplicateProcess {
  const child = spawn(options.bin, ["replicate", "-config", options.configPath, "-no-expand-env"], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = lines(options.onLine, "stdout");
  const err = lines(options.onLine, "stderr");
  child.stdout.setEncoding("utf8").on("data", out.data);
  child.stderr.setEncoding("utf8").on("data", err.data);
  let done = false;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (e) => {
      done = true;
      resolve({ code: null, signal: null, error: `cannot start ${options.bin}: ${e.message}` });
    });
    child.once("close", (code, signal) => {
      done = true;
      out.flush();
      err.flush();
      resolve({ code, signal });
    });
  });
  return {
    pid: child.pid,
    exited,
    running: () => !done,
    kill() {
      if (!done) child.kill("SIGKILL");
    },
    async stop(graceMs = 10_000) {
      if (done) return exited;
      child.kill("SIGTERM");
      const timer = setTimeout(() => !done && child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
