// A `litestream-0.5 replicate` the test starts itself from a hand-written
// litestream.yml (file replica, 100 ms intervals), and an agent in observe mode
// that is told nothing about the version and keeps every heartbeat it would send.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll } from "vitest";
import type { HeartbeatPayload } from "../../src/protocol.ts";
import { runAgent, type TestAgent } from "../agent/harness.ts";
import { keepHeartbeats } from "../agent/kept-heartbeats.ts";
import { createDatabase } from "../litestream/live.ts";
import { litestream05, litestream05Env } from "../litestream/live-v5.ts";
import { tmpDir, type TmpDir } from "./tmp.ts";

export interface ObservedLitestream05 {
  dir: TmpDir;
  dbPath: string;
  /** The file replica's directory. */
  replica: string;
  child: ChildProcess;
  /** Resolves when Litestream exits. */
  exited: Promise<unknown>;
  /** Litestream's stdout and stderr, in chunks (at most 2000). */
  lines: string[];
  agent: TestAgent;
  /** Every heartbeat the agent posted, oldest first. */
  payloads: HeartbeatPayload[];
}

/**
 * Registers the afterAll that stops what it started, and returns `start(token, metricsPort)`:
 * app.sqlite3 with 10 rows under a fresh temp dir, Litestream replicating it with `addr:
 * 127.0.0.1:<metricsPort>` (no `addr:` when null), and the observing agent (server 127.0.0.1:9,
 * never reached: its posts are answered 201 in process).
 */
export function useObservedLitestream05() {
  let dir: TmpDir | null = null;
  let child: ChildProcess | null = null;
  let agent: TestAgent | null = null;
  afterAll(async () => {
    await agent?.stop();
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await dir?.remove();
  });
  return async function start(token: string, metricsPort: number | null): Promise<ObservedLitestream05> {
    dir = await tmpDir();
    const dbPath = path.join(dir.path, "app.sqlite3");
    const replica = path.join(dir.path, "replica");
    createDatabase(dbPath, 10);
    const config = path.join(dir.path, "litestream.yml");
    const addr = metricsPort === null ? "" : `addr: 127.0.0.1:${metricsPort}\n`;
    writeFileSync(config, `${addr}dbs:\n  - path: ${dbPath}\n    monitor-interval: 100ms\n    replica:\n      type: file\n      path: ${replica}\n      sync-interval: 100ms\n`);
    const lines: string[] = [];
    const started = spawn(litestream05(), ["replicate", "-config", config], { env: litestream05Env(), stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    started.stderr!.on("data", (c) => lines.length < 2000 && lines.push(String(c)));
    started.stdout!.on("data", (c) => lines.length < 2000 && lines.push(String(c)));
    const exited = new Promise((r) => started.once("exit", r));
    const payloads: HeartbeatPayload[] = [];
    agent = await runAgent({
      server: "http://127.0.0.1:9",
      token,
      databases: [],
      flags: { litestreamConfig: config, observe: true },
      // No version: the file's replica: says 0.5 (the harness would otherwise name BORELA_TEST_LITESTREAM's line).
      env: { BORELA_DATABASES: "", BORELA_LITESTREAM_VERSION: "" },
      dir: dir.path,
      deps: { post: keepHeartbeats(payloads) },
    });
    return { dir, dbPath, replica, child: started, exited, lines, agent, payloads };
  };
}
