// A Litestream started for a parent process shuts down, with its final sync,
// when that parent dies without stopping it (agent SIGKILLed): no orphan.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveLitestreamBin } from "../../src/litestream/binary.ts";
import { writeLitestreamConfig } from "../../src/litestream/config.ts";
import { readReplica } from "../../src/litestream/replica-reader.ts";
import { spawnReplicate, type ReplicateProcess } from "../../src/litestream/replicate.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { createDatabase } from "./live.ts";

let dir: TmpDir | null = null;
let proc: ReplicateProcess | null = null;
afterAll(async () => {
  await proc?.stop(2000);
  await dir?.remove();
});

describe("spawnReplicate with parentPid", () => {
  it("exits within seconds of the parent's death, after a final sync", async () => {
    dir = await tmpDir();
    const db = path.join(dir.path, "app.db");
    createDatabase(db, 50);
    const replica = { type: "file" as const, path: path.join(dir.path, "replica") };
    const { path: configPath } = await writeLitestreamConfig(path.join(dir.path, "ls"), { addr: null, databases: [{ path: db, replicas: [replica] }] });
    const parent = spawn("sleep", ["30"], { stdio: "ignore" });
    const lines: string[] = [];
    proc = spawnReplicate({ bin: resolveLitestreamBin(), configPath, parentPid: parent.pid, onLine: (l) => lines.push(l) });
    await waitFor(async () => (await readReplica(replica)).position, { timeoutMs: 10_000, what: "first backup" });
    expect(proc.running()).toBe(true);
    parent.kill("SIGKILL");
    const exit = await Promise.race([proc.exited, new Promise<null>((r) => setTimeout(() => r(null), 8000))]);
    expect(exit).not.toBeNull();
    expect(lines.join("\n")).toContain("subprocess exited, litestream shutting down");
    expect(lines.join("\n")).toContain("litestream shut down");
  });

  it("refuses a parent pid that is not a process id", () => {
    expect(() => spawnReplicate({ bin: "/bin/true", configPath: "/x", parentPid: -1 })).toThrow(/parentPid -1/);
  });
});
