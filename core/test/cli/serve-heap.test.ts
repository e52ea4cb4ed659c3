// `borela serve` runs with semi-spaces of 8 MiB (bin/serve-heap.js): started without them it replaces
// itself (process.execve) with a node that has them, keeping its PID, so a supervisor's signals and a
// test's handle still reach the core. Read back from the running core: its command line in /proc and the
// young generation's size in its own /metrics (prom-client's nodejs_heap_space_size_total_bytes).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SERVE_V8_FLAGS, serveHeapArgv } from "../../bin/serve-heap.js";
import { BORELA_BIN, cleanEnv } from "../support/borela-cli.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";

const ADMIN = "bradm_serve_heap_test_token_0123456789";
const MIB = 1024 * 1024;

describe("serveHeapArgv", () => {
  it("puts the flags before the node options serve was started with", () => {
    expect(serveHeapArgv(["serve", "--port", "0"], ["--cpu-prof"], "")).toEqual([...SERVE_V8_FLAGS, "--cpu-prof"]);
    expect(serveHeapArgv(["serve"], [], "--max-old-space-size=200")).toEqual(SERVE_V8_FLAGS);
  });

  it("leaves other commands, a serve that has them, a user's own sizing, debuggers and preloads alone", () => {
    for (const command of ["agent", "worker", "drill", "restore", "--help"]) expect(serveHeapArgv([command, "serve"], [], "")).toBeNull();
    expect(serveHeapArgv(["serve"], SERVE_V8_FLAGS, "")).toBeNull();
    expect(serveHeapArgv(["serve"], ["--max-semi-space-size=2"], "")).toBeNull();
    expect(serveHeapArgv(["serve"], ["--min_semi_space_size", "4"], "")).toBeNull();
    expect(serveHeapArgv(["serve"], [], "--max-semi-space-size=2")).toBeNull();
    for (const option of ["--inspect", "--inspect-brk=127.0.0.1:0", "-r", "--require=./apm.js", "--import=tsx", "--loader=x"]) expect(serveHeapArgv(["serve"], [option], "")).toBeNull();
    expect(serveHeapArgv(["serve"], [], "--enable-source-maps --require ./apm.js")).toBeNull();
  });

  it("is what the image's entrypoint starts serve with", () => {
    const entrypoint = readFileSync(path.resolve(import.meta.dirname, "../../../sidecar-image/entrypoint.sh"), "utf8");
    expect(entrypoint).toContain(`set -- node ${SERVE_V8_FLAGS.join(" ")} /app/core/bin/borela.js "$@"`);
  });
});

let tmp: TmpDir | undefined;
const started: { kill(signal: NodeJS.Signals): boolean; exitCode: number | null }[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await tmp?.remove();
  tmp = undefined;
});

/** Starts `node <nodeOptions> borela.js serve` on a free port (with an IPC channel when asked); its PID, URL and a promise of its exit code. */
async function serve(nodeOptions: string[], channel?: "ipc") {
  tmp = await tmpDir("borela-serve-heap-");
  const child = spawn(process.execPath, [...nodeOptions, BORELA_BIN, "serve", "--port", "0"], {
    env: { ...cleanEnv(), BORELA_DATA_DIR: tmp.path, BORELA_ADMIN_TOKEN: ADMIN, BORELA_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe", ...(channel ? [channel] : [])],
  });
  started.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/i.exec(out)?.[1], { timeoutMs: 60_000, what: `serve listening:\n${out}` });
  return { pid: child.pid!, url, exit, child };
}

async function newSpaceBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const m = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(text);
  if (!m) throw new Error(`no new space size in /metrics:\n${text.slice(0, 500)}`);
  return Number(m[1]);
}

const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);

describe("borela serve's young generation", () => {
  it("re-runs itself with the flags under the same PID: semi-spaces of 8 MiB, and SIGTERM still stops it cleanly", async () => {
    const core = await serve([]);
    const args = commandLine(core.pid);
    expect(args.slice(1, 1 + SERVE_V8_FLAGS.length)).toEqual(SERVE_V8_FLAGS);
    expect(args.slice(-3)).toEqual(["serve", "--port", "0"]);
    // Two semi-spaces of 8 MiB; idle, --optimize-for-size (serve.ts) hands one back (V8's default: 1-4 MiB).
    expect(await newSpaceBytes(core.url)).toBeGreaterThanOrEqual(8 * MIB);
    core.child.kill("SIGTERM");
    expect(await core.exit).toBe(0);
  }, 90_000);

  it("does not re-run when started with an IPC channel (node --watch, fork): the channel stays open", async () => {
    const core = await serve([], "ipc");
    expect(commandLine(core.pid)).not.toContain(SERVE_V8_FLAGS[0]);
    await new Promise((r) => setTimeout(r, 500));
    expect(core.child.connected).toBe(true);
    core.child.kill("SIGTERM");
    expect(await core.exit).toBe(0);
  }, 90_000);

  it("keeps a user's own semi-space sizing as given", async () => {
    const core = await serve(["--max-semi-space-size=1"]);
    expect(commandLine(core.pid)).not.toContain(SERVE_V8_FLAGS[0]);
    expect(await newSpaceBytes(core.url)).toBeLessThan(8 * MIB);
    core.child.kill("SIGTERM");
    expect(await core.exit).toBe(0);
  }, 90_000);
});
