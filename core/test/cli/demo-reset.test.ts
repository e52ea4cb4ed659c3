// `borela demo --reset` while the demo runs refuses (one line naming pid and port, exit 1, nothing
// deleted); so does a second `npm start` on the same data dir (it must not touch the first's lock or files);
// after a clean stop, or with a holder record left by a process that is gone, reset removes the demo.
import { afterAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stopProcess } from "../../../e2e/support/core-process.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const bin = path.join(root, "core/bin/borela.js");
const dataDir = mkdtempSync(path.join(tmpdir(), "borela-demo-reset-"));
const demoDir = path.join(dataDir, "demo");
const env = { ...process.env, BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: "bradm_demo_reset_test", BORELA_LOG_LEVEL: "warn" };
let child: ChildProcess | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function startDemo(): Promise<{ child: ChildProcess; port: string }> {
  const c = spawn(process.execPath, [bin, "serve", "--demo", "--port", "0"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start within 30s:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port && out.includes("Restore the demo database")) {
        clearTimeout(timer);
        resolve({ child: c, port });
      }
    };
    c.stdout!.on("data", onData);
    c.stderr!.on("data", onData);
    c.once("exit", (code) => reject(new Error(`demo exited with ${code}:\n${out}`)));
  });
}

const reset = () => spawnSync(process.execPath, [bin, "demo", "--reset"], { env, encoding: "utf8", timeout: 30_000 });

describe("borela demo --reset", () => {
  it("refuses while the demo runs, and works after it stopped or when its lock is stale", async () => {
    const demo = await startDemo();
    child = demo.child;
    const inUse = `the data dir ${dataDir} is in use by borela serve --demo (pid ${demo.child.pid}, port ${demo.port}): stop it first or choose another --data-dir`;
    const holderBefore = readFileSync(path.join(dataDir, "serve.json"), "utf8");
    const second = spawnSync(process.execPath, [bin, "serve", "--demo", "--port", "0"], { cwd: root, env, encoding: "utf8", timeout: 30_000 });
    expect(second.status).toBe(1);
    expect(second.stderr.trim().split("\n")).toEqual([`borela serve: ${inUse}`]);
    expect(readFileSync(path.join(dataDir, "serve.json"), "utf8")).toBe(holderBefore);
    const refused = reset();
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split("\n")).toEqual([`borela demo: ${inUse}`]);
    expect(existsSync(path.join(demoDir, "app.sqlite3"))).toBe(true);
    expect(existsSync(path.join(demoDir, "agent.json"))).toBe(true);
    // The project is still there: the running core still lists it.
    const list = (await (await fetch(`http://127.0.0.1:${demo.port}/api/v1/projects`, { headers: { authorization: `Bearer ${env.BORELA_ADMIN_TOKEN}` } })).json()) as { name: string }[];
    expect(list.map((p) => p.name)).toContain("demo");

    await stopProcess(demo.child, "SIGINT");
    child = null;
    expect(existsSync(path.join(dataDir, "serve.json"))).toBe(false);

    // Only the lock blocks: a holder record left behind (kill -9), even naming a live pid (reused), does not.
    writeFileSync(path.join(dataDir, "serve.json"), JSON.stringify({ pid: process.pid, command: "borela serve --demo", port: Number(demo.port), startedAt: new Date().toISOString() }));
    const done = reset();
    expect(done.stderr).toBe("demo project removed\n");
    expect(done.status).toBe(0);
    expect(existsSync(demoDir)).toBe(false);
  }, 90_000);
});
