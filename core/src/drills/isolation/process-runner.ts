// BORELA_DRILL_ISOLATION=process: the isolated part in a child process.
//
//   runInChildProcess(job, options): Promise<IsolatedResult>
//     options: { scratch (a fresh temp dir for this drill), hide (the core's data dir and drill dir),
//                limits, onStep, entry? (tests: another script in the same sandbox; by default
//                the bundled child of child-bundle.ts, or entry.mjs with tsx without it) }
//     Rejects with IsolationError when the child ends without a result (killed at the
//     wall-clock limit, crashed, refused by the sandbox).
//
// The child gets the job (credentials included) as one line on stdin, kept open
// until it ends (the child ends itself when the core dies); never in its argv or
// environment, and an environment of its own (sandbox.ts childEnv). When the
// core runs as root and can make a mount namespace, the child runs as nobody
// with no capabilities, sees its temp dir and the file replica (read-only) at
// fixed places, and the core's data dir and drill dir covered by an empty
// tmpfs. A file replica that nobody may not read (owner-only modes) keeps
// uid 0 but without any capability and with every mount read-only. Without
// root it runs as the core's user, in its temp dir.
import { spawn, spawnSync } from "node:child_process";
import { chmod, chown, mkdir, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type { Emit, IsolatedJob, IsolatedResult } from "./job.ts";
import { bundledChildEntry } from "./child-bundle.ts";
import { readChildOutput } from "./child-output.ts";
import { firstOutOfReach } from "./others-reach.ts";
import { childEnv, NOBODY, othersMayRead, SANDBOX_REPLICA, SANDBOX_WORK, sandboxCommand, type IsolationLimits } from "./sandbox.ts";

/** The modes along a file replica's generation: its dir, generations/, the generation, its snapshots and WAL segments. */
async function replicaModes(dir: string, generation: string): Promise<{ dir: boolean; mode: number }[]> {
  const gen = path.join(dir, "generations", generation);
  const dirs = [dir, path.join(dir, "generations"), gen, path.join(gen, "snapshots"), path.join(gen, "wal")];
  const entries: { dir: boolean; mode: number }[] = [];
  for (const d of dirs) {
    const s = await stat(d).catch(() => null);
    if (!s) continue;
    entries.push({ dir: true, mode: s.mode });
  }
  for (const sub of dirs.slice(3)) {
    for (const name of await readdir(sub).catch(() => [] as string[])) {
      const s = await stat(path.join(sub, name)).catch(() => null);
      if (s) entries.push({ dir: s.isDirectory(), mode: s.mode });
    }
  }
  return entries;
}

export class IsolationError extends Error {}

/** What the child runs: Node, its entry, better-sqlite3 (its package: the native module's place varies), the Litestream binary (when named). */
function childTools(entry: string, litestreamBin: string | null): { path: string; exec: boolean }[] {
  return [
    { path: process.execPath, exec: true },
    { path: entry, exec: false },
    { path: createRequire(import.meta.url).resolve("better-sqlite3/package.json"), exec: false },
    ...(litestreamBin ? [{ path: litestreamBin, exec: true }] : []),
  ];
}

export const ENTRY = fileURLToPath(new URL("./entry.mjs", import.meta.url));

let probed: { namespace: boolean; prlimit: boolean } | null = null;

/** Whether this host can confine the child (cached): root with unshare and setpriv; prlimit anywhere. */
export function sandboxSupport(): { namespace: boolean; prlimit: boolean } {
  if (probed) return probed;
  const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "ignore", timeout: 10_000 }).status === 0;
  const root = process.getuid?.() === 0;
  const namespace = root && ok("unshare", ["--mount", "--propagation", "private", "true"]) && ok("setpriv", ["--version"]);
  probed = { namespace, prlimit: ok("prlimit", ["--version"]) };
  return probed;
}

export interface ChildProcessOptions {
  scratch: string;
  hide: string[];
  limits: IsolationLimits;
  onStep: Emit;
  entry?: string;
}

export async function runInChildProcess(job: IsolatedJob, options: ChildProcessOptions): Promise<IsolatedResult> {
  const support = sandboxSupport();
  const replicaDir = job.replica.type === "file" ? job.replica.path : null;
  const entry = options.entry ?? (await bundledChildEntry()) ?? ENTRY;
  // nobody cannot read a replica that only its owner may read (a database in a 0700 dir is replicated 0700),
  // nor run programs installed where only their owner may enter (a checkout under /root).
  const ownerOnlyReplica = support.namespace && replicaDir !== null && !othersMayRead(await replicaModes(replicaDir, job.generation));
  const ownerOnlyTool = support.namespace && !ownerOnlyReplica ? await firstOutOfReach(childTools(entry, job.litestreamBin)) : null;
  const keepRoot = ownerOnlyReplica || ownerOnlyTool !== null;
  if (support.namespace && !keepRoot) {
    await chown(options.scratch, NOBODY.uid, NOBODY.gid);
  }
  if (support.namespace) {
    await mkdir(SANDBOX_WORK, { recursive: true, mode: 0o755 });
    await mkdir(SANDBOX_REPLICA, { recursive: true, mode: 0o755 });
  }
  await chmod(options.scratch, 0o700);
  const plan = sandboxCommand({
    node: process.execPath,
    entry,
    scratch: options.scratch,
    replicaDir,
    hide: options.hide,
    limits: options.limits,
    namespace: support.namespace,
    prlimit: support.prlimit,
    keepRoot,
  });
  if (ownerOnlyReplica) options.onStep("restore", "the replica is readable only by its owner: the isolated process stays uid 0 without capabilities, every mount read-only");
  if (ownerOnlyTool) options.onStep("restore", `${ownerOnlyTool} is out of reach of user nobody (a directory on its path lets only its owner in): the isolated process stays uid 0 without capabilities, every mount read-only`);
  const sent: IsolatedJob = plan.replicaDir && job.replica.type === "file" ? { ...job, replica: { ...job.replica, path: plan.replicaDir } } : job;
  const child = spawn(plan.command, plan.args, { cwd: options.scratch, env: childEnv(plan.workDir), detached: true, stdio: ["pipe", "pipe", "pipe"] });
  const output = readChildOutput(child.stdout, child.stderr, options.onStep);
  // The whole process group: the child, its Litestream and its workers.
  const killGroup = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  };
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    killGroup();
  }, options.limits.wallClockMs);
  child.stdin.on("error", () => undefined);
  // Stdin stays open: the child ends itself when it closes, i.e. when this process dies.
  child.stdin.write(`${JSON.stringify(sent)}\n`);
  // A result is the last word: whatever is still running after it (a worker stuck in SQLite) goes.
  const reap = setInterval(() => {
    if (output.result) killGroup();
  }, 2000);
  const exit = await new Promise<{ code: number | null; signal: string | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  clearInterval(reap);
  await output.done;
  if (exit.error) throw new IsolationError(`cannot start the isolated drill process (${plan.command}): ${exit.error.message}`);
  if (killed) throw new IsolationError(`the isolated drill process did not finish within ${Math.round(options.limits.wallClockMs / 1000)}s and was killed`);
  if (output.protocolError) throw new IsolationError(`the isolated drill process sent a malformed result: ${output.protocolError}`);
  if (output.result) return output.result;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  throw new IsolationError(`the isolated drill process ${how} without a result${output.tail() ? `: ${output.tail().split("\n").slice(-5).join(" | ")}` : ""}`);
}
