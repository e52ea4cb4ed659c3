// Two restart requests at once (a stuck replica and a replica writable again,
// seen in the same few seconds) are one restart, and Litestream runs after it.
// Before, the second request restored the first's "stopping" flag on its way
// out, and Litestream stayed down for good. Also: stop() during a restart leaves
// nothing running.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LitestreamSupervisor } from "../../src/agent/supervisor.ts";
import { createAgentLog } from "../../src/agent/log.ts";
import { resolveLitestreamBin } from "../../src/litestream/binary.ts";
import { writeLitestreamConfig } from "../../src/litestream/config.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { createDatabase } from "../litestream/live.ts";

let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-supervisor-");
});
afterAll(async () => {
  await tmp?.remove();
});

function supervisor(name: string, logs: string[]) {
  const db = path.join(tmp.path, `${name}.sqlite3`);
  createDatabase(db, 5);
  return new LitestreamSupervisor({
    bin: resolveLitestreamBin(),
    restart: true,
    log: createAgentLog({ level: "debug", write: (l) => logs.push(l), secrets: () => [] }),
    onLine: (l) => logs.push(l),
    initialBackoffMs: 200,
    maxBackoffMs: 1000,
    async prepare() {
      const written = await writeLitestreamConfig(path.join(tmp.path, `${name}-ls`), { addr: null, databases: [{ path: db, replicas: [{ type: "file", path: path.join(tmp.path, `${name}-replica`) }] }] });
      return { configPath: written.path, env: written.env };
    },
  });
}

describe("LitestreamSupervisor.restart", () => {
  it("joins a second request to the restart under way; Litestream runs afterwards", async () => {
    const logs: string[] = [];
    const s = supervisor("twice", logs);
    await s.start();
    const first = s.status().pid;
    expect(s.status().running).toBe(true);
    await Promise.all([s.restart("replica stuck"), s.restart("replica writable again")]);
    await new Promise((r) => setTimeout(r, 1500)); // a wrongly scheduled backoff restart would show here
    const after = s.status();
    expect(after.running, logs.join("\n").slice(-3000)).toBe(true);
    expect(after.pid).not.toBe(first);
    expect(after.restarts).toBe(1);
    expect(logs.join("\n")).toMatch(/litestream restart already under way/);
    await s.stop();
    expect(s.status().running).toBe(false);
  }, 30_000);

  it("stop() during a restart leaves no Litestream running", async () => {
    const logs: string[] = [];
    const s = supervisor("stop-during", logs);
    await s.start();
    const restarting = s.restart("replica settings changed");
    await s.stop();
    await restarting;
    await new Promise((r) => setTimeout(r, 1500));
    expect(s.status().running).toBe(false);
  }, 30_000);

  it("warns when Litestream exited without its final sync (SIGKILL), not after a clean stop", async () => {
    const logs: string[] = [];
    const s = supervisor("warn", logs);
    await s.start();
    await new Promise((r) => setTimeout(r, 1000));
    s.kill();
    await new Promise((r) => setTimeout(r, 1500));
    expect(logs.join("\n")).toMatch(/WARN +litestream exited without its final sync: changes written since its last sync may be missing from the replica/);
    const before = logs.length;
    await new Promise((r) => setTimeout(r, 1500)); // restarted after its backoff
    await s.stop();
    expect(logs.slice(before).join("\n")).toMatch(/litestream stopped code=0/);
    expect(logs.slice(before).join("\n")).not.toMatch(/without its final sync/);
  }, 30_000);
});
