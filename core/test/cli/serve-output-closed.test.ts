// `borela serve` outlives whatever reads its output (output-closed.ts), and a closed terminal (SIGHUP) stops
// it the way SIGTERM does, once: a terminal's hang-up comes twice (the kernel, then the shell). A tester: `borela serve | head -c 10` took the core down with an unhandled EPIPE at
// the first log line after the pipe closed; SIGHUP ended it with no stop (no "stopping" line, no drain).
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { ignoreRepeatedHangups } from "../../src/output-closed.ts";
import { BORELA_BIN, cleanEnv } from "../support/borela-cli.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor, sleep } from "../support/wait-for.ts";

const ADMIN = "bradm_output_closed_test_token_0123456789";
let tmp: TmpDir | undefined;
const started: { kill(signal: NodeJS.Signals): boolean; exitCode: number | null }[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await tmp?.remove();
  tmp = undefined;
});

/** `borela serve` with its stderr collected and its stdout on a pipe this test reads, or closes at once; resolves once it listens. */
async function serve(closeStdout = false) {
  tmp = await tmpDir("borela-output-closed-");
  const child = spawn(process.execPath, [BORELA_BIN, "serve", "--port", "0"], {
    env: { ...cleanEnv(), BORELA_DATA_DIR: tmp.path, BORELA_ADMIN_TOKEN: ADMIN, BORELA_HOST: "127.0.0.1", BORELA_LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let err = "";
  let out = "";
  child.stderr!.on("data", (d) => (err += d));
  // Closed before the core writes its first log line there (Fastify's "Server listening", at info).
  if (closeStdout) child.stdout!.destroy();
  else child.stdout!.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/i.exec(err + out)?.[1], { timeoutMs: 60_000, what: "serve listening" });
  return { child, url, exit, stderr: () => err, stdout: () => out };
}

describe("borela serve's output and terminal", () => {
  it("keeps serving after the reader of its stdout goes away, says so once on stderr, and still stops cleanly", async () => {
    const core = await serve(true);
    // Requests, and a refused token (each may write a log line).
    for (let i = 0; i < 20; i++) {
      await fetch(`${core.url}/api/v1/projects`, { headers: { authorization: "Bearer not-a-token" } });
      await fetch(`${core.url}/healthz`);
    }
    await sleep(1000);
    expect(core.child.exitCode).toBeNull();
    expect((await fetch(`${core.url}/healthz`)).status).toBeLessThan(500);
    const created = await fetch(`${core.url}/api/v1/projects`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "after-the-pipe" }),
    });
    expect(created.status).toBe(201);
    expect(core.stderr().match(/standard output failed \(EPIPE\)/g)).toHaveLength(1);
    core.child.kill("SIGTERM");
    expect(await core.exit).toBe(0);
  }, 90_000);

  it("stops cleanly on SIGHUP", async () => {
    const core = await serve();
    core.child.kill("SIGHUP");
    expect(await core.exit).toBe(0);
    expect(core.stderr().match(/Borela is stopping\.\.\./g)).toHaveLength(1);
  }, 90_000);
});

describe("ignoreRepeatedHangups", () => {
  it("stops at the first SIGHUP and stays listening, so a closed terminal's second one cannot end the stop halfway", () => {
    const before = process.listeners("SIGHUP");
    let stops = 0;
    ignoreRepeatedHangups(() => stops++);
    const ours = process.listeners("SIGHUP").filter((l) => !before.includes(l));
    try {
      expect(ours).toHaveLength(1);
      process.emit("SIGHUP");
      process.emit("SIGHUP");
      process.emit("SIGHUP");
      expect(stops).toBe(1);
      expect(process.listeners("SIGHUP")).toContain(ours[0]);
    } finally {
      for (const l of ours) process.removeListener("SIGHUP", l);
    }
  });
});
