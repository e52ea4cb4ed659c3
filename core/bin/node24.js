// Borela runs on Node 24 LTS. Machines often come with an older Node (Debian's, or the one a CI image
// carries); there, `npx borela` and `npm start` fetch Node 24 once (scripts/install-node24.sh: the npm
// package node@24, cached per machine, linked to .tools/node24) and run themselves on it.
//
//   node24Binary(): string     this process's node when it is 24 or newer, else .tools/node24/bin/node
//                              (installed on first use); throws Error naming the Node found when it cannot
//   runOnNode24(script): void  when this Node is older than 24, runs `script` with the same arguments on
//                              Node 24, forwards SIGINT/SIGTERM/SIGHUP, and exits with its code; else returns
import { spawn, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

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
  if (Number(process.versions.node.split(".")[0]) >= REQUIRED_MAJOR) return;
  let node;
  try {
    node = node24Binary();
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const child = spawn(node, [script, ...process.argv.slice(2)], { stdio: "inherit" });
  // The terminal signals the whole group (this process and the child) at once: the child handles it.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => { if (signal !== "SIGINT") child.kill(signal); });
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal === "SIGINT" ? 2 : signal === "SIGHUP" ? 1 : 15)));
  // Nothing else of the calling script may run on this Node: wait here for the child.
  return new Promise(() => {});
}
