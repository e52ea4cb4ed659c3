// `borela agent` as users run it: a separate process configured by environment
// alone (BORELA_SERVER, BORELA_AGENT_TOKEN, BORELA_DATABASES, BORELA_REPLICA_URL,
// BORELA_HEARTBEAT_INTERVAL_SECONDS). SIGTERM → Litestream gets SIGTERM, does
// its final sync, exits; then the agent exits 0. No BORELA_LITESTREAM_VERSION: the default, Litestream 0.5
// (LTX files in the replica, restored by the 0.5 binary).
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdir } from "node:fs/promises";
import { resolveLitestreamBinFor } from "../../src/litestream/binary.ts";
import { restore } from "../../src/litestream/commands.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { waitFor } from "../support/wait-for.ts";
import { countRows, createDatabase } from "../litestream/live.ts";
import { startHarness, waitForStatus, type Harness } from "./harness.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/borela.js");
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let h: Harness;
let child: ChildProcess | null = null;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await h?.close();
});

describe("borela agent (CLI process)", () => {
  it("replicates, reports fresh, and on SIGTERM stops Litestream after its final sync", async () => {
    const p = await h.core.createProject("cli", { staleAfterSeconds: 5, heartbeatGraceSeconds: 10 });
    const dbPath = path.join(h.dir.path, "app.sqlite3");
    const replica = path.join(h.dir.path, "replica");
    const statusFile = path.join(h.dir.path, "agent-status.json");
    createDatabase(dbPath, 10);
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BORELA_")));
    child = spawn(process.execPath, [BIN, "agent"], {
      env: {
        ...clean,
        BORELA_SERVER: h.core.url,
        BORELA_AGENT_TOKEN: p.agentToken,
        BORELA_DATABASES: dbPath,
        BORELA_REPLICA_URL: `file://${replica}`,
        BORELA_HEARTBEAT_INTERVAL_SECONDS: "1",
        BORELA_AGENT_STATUS_FILE: statusFile,
        BORELA_AGENT_STATE_DIR: path.join(h.dir.path, "state"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (c) => (stderr += c));
    child.stdout!.on("data", (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));

    await waitForStatus(h.core, p.id, "fresh", 30_000);
    expect(JSON.parse(await readFile(statusFile, "utf8"))).toMatchObject({ ok: true });
    const litestreamPid = Number(stderr.match(/litestream started pid=(\d+)/)?.[1]);
    expect(alive(litestreamPid)).toBe(true);

    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 100, durationMs: 500 });
    await writer.exited;
    child.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 20_000))]);
    expect(code).toBe(0);
    await waitFor(() => !alive(litestreamPid), { timeoutMs: 5000, what: `Litestream ${litestreamPid} to be gone` });
    expect(stderr).toContain("stopping litestream (final sync)");
    expect(stderr).not.toContain(p.agentToken);

    const out = path.join(h.dir.path, "restored.sqlite3");
    expect(stderr).toMatch(/litestream=v0\.5\.16/);
    expect(await readdir(replica)).toEqual(["ltx"]);
    await restore({ replica: { type: "file", path: replica } }, { outputPath: out, timeoutMs: 30_000, bin: resolveLitestreamBinFor("0.5") });
    expect(countRows(out, "events")).toBe(countRows(dbPath, "events"));
  });
});
