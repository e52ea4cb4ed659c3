// `npx borela …` on a machine's older Node re-runs itself on Node 24 (bin/node24.js): a real process tree,
// the launcher on the system's Node (v20 here) and `borela serve` under it on Node 24. Killing the launcher
// stops the core: SIGTERM and SIGINT sent to the launcher alone are forwarded (it exits with the child's
// status; npx's echo of a Ctrl-C is passed on once), and after SIGKILL, which no process can forward, the
// child notices its launcher is gone and stops within seconds, releasing its port.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import { SERVE_V8_FLAGS } from "../../bin/serve-heap.js";
import { BORELA_BIN, cleanEnv } from "../support/borela-cli.ts";
import { watchChild } from "../support/child-output.ts";
import { waitFor } from "../support/wait-for.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const OLD_NODE = "/usr/bin/node";
const started: number[] = [];
let tmp: TmpDir | undefined;

afterEach(async () => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  await tmp?.remove();
});

/** Pids whose parent is `ppid` (Linux /proc), zombies left out. */
function childrenOf(ppid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, parent] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(parent) === ppid && state !== "Z") pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function startServeUnderLauncher() {
  tmp = await tmpDir("borela-launcher-");
  const env = { ...cleanEnv(), BORELA_ADMIN_TOKEN: "bradm_launcher_test", BORELA_LOG_LEVEL: "warn" };
  const launcher = spawn(OLD_NODE, [BORELA_BIN, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", tmp.path], { env, stdio: ["ignore", "pipe", "pipe"] });
  started.push(launcher.pid!);
  const watch = watchChild(launcher, 100_000);
  const exit = new Promise<number | null>((resolve) => launcher.once("exit", (code) => resolve(code)));
  const url = await waitFor(() => watch.output().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1], { timeoutMs: 90_000, what: "borela serve to listen" });
  const child = await waitFor(() => {
    const pids = childrenOf(launcher.pid!);
    return pids.length === 1 ? pids[0] : null;
  }, { what: "the Node 24 child" });
  started.push(child);
  const args = readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0");
  expect(args[0]).toContain("node24");
  // The launcher starts serve with its heap flags itself (bin/serve-heap.js): the child does not re-run.
  expect(args.slice(1, 1 + SERVE_V8_FLAGS.length)).toEqual(SERVE_V8_FLAGS);
  expect((await fetch(`${url}/healthz`)).status).toBeLessThan(500);
  return { launcher, child, url, watch, exit };
}

it("the system Node is older than 24, so borela.js launches a child", () => {
  expect(existsSync(OLD_NODE)).toBe(true);
  expect(Number(execFileSync(OLD_NODE, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }).trim())).toBeLessThan(24);
});

it("after SIGKILL of the launcher the core stops within seconds and its port is free", async () => {
  const { launcher, child, url } = await startServeUnderLauncher();
  launcher.kill("SIGKILL");
  await waitFor(() => !alive(child), { timeoutMs: 10_000, what: `child ${child} to exit after its launcher was killed` });
  await expect(fetch(`${url}/healthz`)).rejects.toThrow();
}, 120_000);

it.each(["SIGTERM", "SIGINT"] as const)("%s sent to the launcher alone reaches the core, which stops; the launcher exits with its status", async (signal) => {
  const { launcher, child, watch, exit } = await startServeUnderLauncher();
  launcher.kill(signal);
  expect(await exit).toBe(0);
  await waitFor(() => !alive(child), { timeoutMs: 10_000, what: `child ${child} to exit after ${signal}` });
  expect(watch.output()).toContain("Borela is stopping");
}, 120_000);

it("SIGINT twice within 100 ms (npx echoing the terminal's Ctrl-C) reaches the agent once: Litestream gets its final sync", async () => {
  tmp = await tmpDir("borela-launcher-");
  const db = new Database(path.join(tmp.path, "app.sqlite3"));
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE t (x)");
  db.close();
  mkdirSync(path.join(tmp.path, "replica"));
  const args = ["agent", "--server", "http://127.0.0.1:9", "--token", "bragt_launcher_test", "--database", path.join(tmp.path, "app.sqlite3"), "--replica-url", `file://${tmp.path}/replica`, "--state-dir", path.join(tmp.path, "state"), "--interval", "1"];
  const launcher = spawn(OLD_NODE, [BORELA_BIN, ...args], { env: { ...cleanEnv(), BORELA_LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
  started.push(launcher.pid!);
  const watch = watchChild(launcher, 100_000);
  const exit = new Promise<number | null>((resolve) => launcher.once("exit", (code) => resolve(code)));
  const litestream = Number(await waitFor(() => watch.output().match(/litestream started pid=(\d+)/)?.[1], { timeoutMs: 90_000, what: "the agent to start Litestream" }));
  launcher.kill("SIGINT");
  await new Promise((r) => setTimeout(r, 50));
  launcher.kill("SIGINT");
  expect(await exit).toBe(0);
  expect(watch.output()).toContain("stopping litestream (final sync)");
  expect(watch.output()).toContain("borela agent stopped");
  expect(watch.output()).not.toContain("exiting without waiting for Litestream");
  expect(alive(litestream)).toBe(false);
}, 120_000);
