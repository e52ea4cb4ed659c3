// Borela runs on Node 24 LTS. Machines often come with an older Node (Debian's, or the one a CI image
// carries); there, `npx borela` and `npm start` fetch Node 24 once (scripts/install-node24.sh: the npm
// package node@24, cached per machine, linked to .tools/node24) and run themselves on it.
//
//   node24Binary(): string     this process's node when it is 24 or newer, else .tools/node24/bin/node
//                              (installed on first use); throws Error naming the Node found when it cannot
//   runOnNode24(script): void  when this Node is older than 24, runs `script` with the same arguments on
//                              Node 24 (launch) and never returns; on Node 24 it returns, after watchLauncher()
//   launch(node, script, args) spawns the child in its own process group with an IPC channel (`serve` with its
//                              heap flags: serve-heap.js), forwards
//                              SIGINT/SIGTERM/SIGHUP to it (a repeat of the same signal within 500 ms once),
//                              and exits with its status (128 + signal number when a signal ended it)
//   watchLauncher(): void      in a child launch() started: when the launcher is gone (even by SIGKILL, which
//                              it cannot forward) the IPC channel disconnects and the child sends itself SIGTERM,
//                              so it stops the way it stops on a terminal's signal
import { spawn, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import { serveHeapArgv } from "./serve-heap.js";

const LAUNCHED = "BORELA_LAUNCHED_BY_PID";
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];

const REQUIRED_MAJOR = 24;
const root = path.resolve(import.meta.dirname, "..", "..");

export function node24Binary() {
  if (Number(process.versions.node.split(".")[0]) >= REQUIRED_MAJOR) return process.execPath;
  const local = path.join(root, ".tools", "node24", "bin", "node");
  if (existsSync(local)) return local;
  const installer = path.join(root, "scripts", "install-node24.sh");
  if (!existsSync(installer)) throw new Error(`Borela runs on Node ${REQUIRED_MAJOR} LTS; this is Node ${process.version}`);
  process.stderr.write(`Borela runs on Node ${REQUIRED_MAJOR} LTS; this is Node ${process.version}: installing Node ${REQUIRED_MAJOR} once (${installer})\n`);
  const dir = execFileSync("bash", [installer], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return path.join(dir, "bin", "node");
}

export function runOnNode24(script) {
  if (Number(process.versions.node.split(".")[0]) >= REQUIRED_MAJOR) {
    watchLauncher();
    return;
  }
  let node;
  try {
    node = node24Binary();
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  launch(node, script, process.argv.slice(2));
  // Nothing else of the calling script may run on this Node: wait here for the child.
  return new Promise(() => {});
}

export function launch(node, script, args) {
  // Its own process group: a terminal's Ctrl-C reaches this process only, and the child gets it once from
  // here (in one group it got it twice, and a second SIGINT means "exit now" to the agent).
  const child = spawn(node, [...(serveHeapArgv(args, [], process.env.NODE_OPTIONS ?? "") ?? []), script, ...args], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    detached: true,
    env: { ...process.env, [LAUNCHED]: String(process.pid) },
  });
  // npx forwards the terminal's signal too: the same signal again within 500 ms is that echo, not a second
  // request (a second SIGINT tells the agent to stop without waiting for Litestream).
  const last = new Map();
  for (const signal of FORWARDED) {
    process.on(signal, () => {
      if (Date.now() - (last.get(signal) ?? -Infinity) < 500) return;
      last.set(signal, Date.now());
      child.kill(signal);
    });
  }
  child.on("error", (err) => {
    process.stderr.write(`cannot start ${node}: ${err.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 15)));
  return child;
}

export function watchLauncher() {
  if (!process.env[LAUNCHED] || !process.channel) return;
  delete process.env[LAUNCHED];
  // The channel only watches: it must not keep the child alive once its work is done.
  process.channel.unref();
  process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
}
