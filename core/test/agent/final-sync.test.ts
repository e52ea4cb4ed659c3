// Every way an agent is stopped lets Litestream do its final sync (issue 12,
// tester's finding 3): write one row, stop at once, restore the replica — the
// row is there. The stops: a terminal's Ctrl-C (SIGINT to the agent's process
// group) ten times; systemd's default KillMode=control-group (SIGTERM to every
// process of the unit at once); `docker stop` (SIGTERM to PID 1 only). Before,
// the -exec watcher shared the agent's group, died of the Ctrl-C first, and
// Litestream exited "cannot signal exec process" without its final sync.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { resolveLitestreamBinFor } from "../../src/litestream/binary.ts";
import { expectCleanLitestreamStop } from "../support/litestream-stop.ts";
import { restore } from "../../src/litestream/commands.ts";
import { testLitestreamLine } from "../support/litestream-line.ts";
import { readReplica } from "../../src/litestream/replica-reader.ts";
import { createDatabase } from "../litestream/live.ts";
import { waitFor } from "../support/wait-for.ts";
import { useHarness } from "./use-harness.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/borela.js");

const h = useHarness();
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** Every process below pid (Litestream, its -exec watcher, the watcher's sleep), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry))
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0 && out.length < 100) {
    const p = queue.shift()!;
    for (const [child, parent] of parents) if (parent === p) (out.push(child), queue.push(child));
  }
  return out;
}

type Stop = "group-SIGINT" | "systemd-control-group" | "docker-stop";

describe("the agent's stop always includes Litestream's final sync", () => {
  it("write one row, stop at once (10× Ctrl-C to the group, systemd's SIGTERM to all, docker's SIGTERM to PID 1): the row is in the replica every time", async () => {
    const p = await h.core.createProject("final-sync", { staleAfterSeconds: 60, heartbeatGraceSeconds: 60 });
    const dbPath = path.join(h.dir.path, "app.sqlite3");
    const replica = path.join(h.dir.path, "replica");
    createDatabase(dbPath, 10);
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BORELA_")));
    const env = {
      ...clean,
      BORELA_SERVER: h.core.url,
      BORELA_AGENT_TOKEN: p.agentToken,
      BORELA_DATABASES: dbPath,
      BORELA_REPLICA_URL: `file://${replica}`,
      BORELA_HEARTBEAT_INTERVAL_SECONDS: "5",
      BORELA_SAMPLE_INTERVAL_SECONDS: "1",
      // Long enough that only the final sync can carry the last row.
      BORELA_LITESTREAM_SYNC_INTERVAL: "10s",
      BORELA_AGENT_STATUS_FILE: path.join(h.dir.path, "status.json"),
      BORELA_AGENT_STATE_DIR: path.join(h.dir.path, "state"),
      BORELA_LOG_LEVEL: "debug",
      BORELA_LITESTREAM_VERSION: testLitestreamLine(),
    };
    // Ten Ctrl-Cs: the old race lost the row in about one run in five.
    const stops: Stop[] = [...Array<Stop>(10).fill("group-SIGINT"), "systemd-control-group", "docker-stop"];
    const results: string[] = [];
    for (const [run, how] of stops.entries()) {
      // Its own process group, as a shell gives a foreground job.
      const child = spawn(process.execPath, [BIN, "agent"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
      children.push(child);
      let out = "";
      child.stdout!.on("data", (c) => (out += c));
      child.stderr!.on("data", (c) => (out += c));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      // Litestream replicating (its -exec watcher is started last, after the databases are open).
      await waitFor(() => /replicating to/.test(out) && /litestream started/.test(out), { timeoutMs: 30_000, what: `run ${run}: Litestream replicating` });
      await waitFor(async () => (await readReplica({ type: "file", path: replica })).position, { timeoutMs: 20_000, what: `run ${run}: a replica position` });
      // Past Litestream's own first sync: 0.3.13's final sync can race it (both write one segment, one fails
      // "error closing db ... .tmp: no such file"), a Litestream bug apart from the one tested here.
      await new Promise((r) => setTimeout(r, 1500));

      const db = new Database(dbPath);
      db.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('last', ?, ?)").run(`last-${run}`, new Date().toISOString());
      db.close();
      if (how === "group-SIGINT") process.kill(-child.pid!, "SIGINT");
      else if (how === "docker-stop") child.kill("SIGTERM");
      else for (const pid of [child.pid!, ...descendants(child.pid!)]) process.kill(pid, "SIGTERM");
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 20_000))]);

      const restored = path.join(h.dir.path, `restored-${run}.sqlite3`);
      await restore({ replica: { type: "file", path: replica } }, { outputPath: restored, timeoutMs: 30_000, bin: resolveLitestreamBinFor(testLitestreamLine()) });
      const check = new Database(restored, { readonly: true });
      const found = (check.prepare("SELECT count(*) AS n FROM events WHERE payload = ?").get(`last-${run}`) as { n: number }).n;
      check.close();
      results.push(`${how}: ${found === 1 ? "restored" : "MISSING"}`);
      expect(found, `run ${run} (${how}): the last row in the replica\n${out.slice(-3000)}`).toBe(1);
      expect(code, `run ${run} (${how})`).toBe(0);
      expectCleanLitestreamStop(out);
      expect(out).not.toMatch(/cannot signal exec process|without its final sync/);
      expect(out).toMatch(/litestream shut down/);
    }
    console.log(`[final-sync] last row after each stop: ${results.join("; ")}`);
  }, 240_000);
});

