// One `borela serve` per data dir (issue 14): a second serve (demo or not) on the same dir is refused in
// one line and touches nothing; `borela demo --reset` refuses while a serve holds the dir; a lock left by
// a killed serve does not block; a start that fails on a busy port leaves no new data dir behind.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import net from "node:net";
import { startCoreProcess, stopProcess, type CoreProcess } from "../../../e2e/support/core-process.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const bin = path.join(root, "core/bin/borela.js");
const top = mkdtempSync(path.join(tmpdir(), "borela-dir-lock-"));
const running: CoreProcess[] = [];
afterAll(() => {
  for (const c of running) if (c.child.exitCode === null) c.child.kill("SIGKILL");
  rmSync(top, { recursive: true, force: true });
});

const env = (dataDir: string) => ({ ...process.env, BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: "bradm_dir_lock_test", BORELA_LOG_LEVEL: "warn" });
const borela = (dataDir: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, env: env(dataDir), encoding: "utf8", timeout: 30_000 });
const start = async (dataDir: string) => {
  const core = await startCoreProcess({ BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: "bradm_dir_lock_test" });
  running.push(core);
  return { core, pid: core.child.pid!, port: new URL(core.url).port };
};
/** Every entry under dir with its size and mtime: "touching nothing" is this staying equal. */
/**
 * Every entry with its size and mtime; the running serve's own WAL and shared-memory file by name only: it
 * writes them at any moment (sweep marks, lease claims every tick: ci35), and a refused command exits before
 * it opens the store.
 */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort().map((name) => {
    // The running serve writes its store in the background (its WAL, and the checkpoint worker's copies into borela.db).
    if (name === "borela.db" || name === "borela.db-wal" || name === "borela.db-shm") return name;
    const s = statSync(path.join(dir, name));
    return `${name} ${s.size} ${s.mtimeMs}`;
  });
}
const inUse = (dataDir: string, pid: number, port: string, command = "borela serve") =>
  `the data dir ${dataDir} is in use by ${command} (pid ${pid}, port ${port}): stop it first or choose another --data-dir`;

describe("the data dir lock", () => {
  it("refuses a second serve (demo or not) and a demo reset while a serve runs; a killed serve's lock is taken over", async () => {
    const dataDir = path.join(top, "shared");
    const first = await start(dataDir);
    // A demo dir with a file, as a running demo has: the refused reset must leave it.
    mkdirSync(path.join(dataDir, "demo"), { recursive: true });
    writeFileSync(path.join(dataDir, "demo", "app.sqlite3"), "x");
    const before = tree(dataDir);

    const second = borela(dataDir, "serve", "--demo", "--port", "0");
    expect(second.status).toBe(1);
    expect(second.stderr.trim().split("\n")).toEqual([`borela serve: ${inUse(dataDir, first.pid, first.port)}`]);
    const plain = borela(dataDir, "serve", "--port", "0");
    expect(plain.status).toBe(1);
    expect(plain.stderr).toContain(`(pid ${first.pid}, port ${first.port})`);

    const reset = borela(dataDir, "demo", "--reset");
    expect(reset.status).toBe(1);
    expect(reset.stderr.trim().split("\n")).toEqual([`borela demo: ${inUse(dataDir, first.pid, first.port)}`]);
    expect(tree(dataDir)).toEqual(before);
    expect((await fetch(`${first.core.url}/healthz`)).status).toBe(200);

    // kill -9: the kernel drops the lock; the next serve takes it and names itself.
    await stopProcess(first.core.child, "SIGKILL");
    const third = await start(dataDir);
    const refused = borela(dataDir, "serve", "--port", "0");
    expect(refused.stderr).toContain(`(pid ${third.pid}, port ${third.port})`);
    await stopProcess(third.core.child, "SIGINT");
    expect(existsSync(path.join(dataDir, "serve.json"))).toBe(false);

    const done = borela(dataDir, "demo", "--reset");
    expect(done.stderr).toBe("no demo project to remove; demo files cleared\n");
    expect(done.status).toBe(0);
    expect(existsSync(path.join(dataDir, "demo"))).toBe(false);
  }, 90_000);

  it("a serve that cannot bind its port leaves no new data dir, and a pre-existing one as it was", async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = String((busy.address() as net.AddressInfo).port);
    try {
      const fresh = path.join(top, "d2");
      const res = borela(fresh, "serve", "--port", port);
      expect(res.status).toBe(1);
      expect(res.stderr).toMatch(new RegExp(`^borela serve: port ${port} on 127\\.0\\.0\\.1 is already in use.*\\n$`));
      expect(existsSync(fresh)).toBe(false);

      const old = path.join(top, "old");
      mkdirSync(old);
      writeFileSync(path.join(old, "notes.txt"), "mine");
      const again = borela(old, "serve", "--port", port);
      expect(again.status).toBe(1);
      expect(readdirSync(old)).toEqual(["notes.txt"]);
    } finally {
      busy.close();
    }
  }, 60_000);
});
