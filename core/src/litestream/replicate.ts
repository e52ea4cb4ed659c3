// One `litestream replicate` process: spawned with a rendered config, its log
// lines handed to a callback, stopped with SIGTERM so it does its final sync
// (SIGKILL only after a grace period).
//
//   spawnReplicate(options: ReplicateOptions): ReplicateProcess
//     options: { bin, configPath, baseEnv?, env?, parentPid?, onLine?(line: string, stream: "stdout" | "stderr") }
//     Litestream's environment is baseEnv (the agent's settings hand it in; omitted: config.ts processEnv()'s)
//     with env over it; a variable env maps to undefined is left out.
//     parentPid: Litestream shuts down (with its final sync) within ~1 s of that process dying, through
//     its own -exec: no orphaned Litestream when the agent is SIGKILLed.
//   ReplicateProcess: { pid, exited: Promise<ExitInfo>, running(): boolean, stop(graceMs = 10_000): Promise<ExitInfo>, kill(): void }
//
// Signals. Litestream 0.3.13 (cmd/litestream/main.go) on SIGINT/SIGTERM sends the
// same signal to its -exec child and waits for it; only then does it close the
// databases, which is its final sync. If that child is already gone, it exits
// "cannot signal exec process: os: process already finished" WITHOUT the final
// sync. So the child must never die before Litestream signals it:
// - Litestream runs in its own process group (detached): a terminal's Ctrl-C
//   (SIGINT to the agent's group) reaches only the agent, which sends SIGTERM.
// - The watcher traps INT and TERM and lingers 1 s before exiting, so a signal
//   sent to every process at once (systemd's default KillMode=control-group)
//   still finds it alive when Litestream forwards its own.
// Whether the final sync ran is read from Litestream's "litestream shut down"
// line, logged right after it closed the databases (ExitInfo.finalSync).
import { spawn } from "node:child_process";
import { processEnv } from "../config.ts";
import type { Env } from "../env-parse.ts";

export interface ReplicateOptions {
  bin: string;
  configPath: string;
  /** The environment Litestream inherits; default: this process's, as config.ts reads it. */
  baseEnv?: Env;
  /** Added to baseEnv (e.g. AWS_SESSION_TOKEN for managed credentials). */
  env?: Record<string, string>;
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  parentPid?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The spawn itself failed (binary missing, not executable). */
  error?: string;
  /** Litestream logged "litestream shut down": it closed its databases, which is its final sync. */
  finalSync?: boolean;
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
  const args = ["replicate", "-config", options.configPath, "-no-expand-env"];
  if (options.parentPid) {
    if (!Number.isInteger(options.parentPid) || options.parentPid < 1) throw new Error(`parentPid ${options.parentPid} is not a process id`);
    // The watcher holds none of Litestream's pipes and also ends when Litestream itself is gone ($PPID).
    // `wait` returns at once on a trapped signal; the trap outlives the signal by 1 s (see above).
    args.push(
      "-exec",
      `sh -c "exec >/dev/null 2>&1 </dev/null; trap 'sleep 1; exit 0' INT TERM; while kill -0 ${options.parentPid} && kill -0 $PPID; do sleep 1 & wait $!; done"`,
    );
  }
  const child = spawn(options.bin, args, {
    env: { ...(options.baseEnv ?? processEnv().childEnv), ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let shutDown = false;
  const onLine = (line: string, stream: "stdout" | "stderr") => {
    if (/msg="litestream shut down"/.test(line)) shutDown = true;
    options.onLine?.(line, stream);
  };
  const out = lines(onLine, "stdout");
  const err = lines(onLine, "stderr");
  child.stdout.setEncoding("utf8").on("data", out.data);
  child.stderr.setEncoding("utf8").on("data", err.data);
  let done = false;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (e) => {
      done = true;
      resolve({ code: null, signal: null, error: `cannot start ${options.bin}: ${e.message}` });
    });
    // "exit", then the pipes' last lines (for finalSync) for at most 1 s: a stray grandchild holding
    // the pipes must not make a dead Litestream look alive.
    let closed: () => void = () => undefined;
    const drained = new Promise<void>((r) => (closed = r));
    child.once("close", () => {
      out.flush();
      err.flush();
      closed();
    });
    child.once("exit", (code, signal) => {
      done = true;
      const timer = setTimeout(closed, 1000);
      void drained.then(() => {
        clearTimeout(timer);
        resolve({ code, signal, finalSync: shutDown });
      });
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
