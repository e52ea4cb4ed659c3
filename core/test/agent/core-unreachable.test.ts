// Issue 20 item 3: an agent whose core goes away says so loudly once the project's heartbeat grace has
// passed (5 s here, learnt from the core's heartbeat answer; its own default would be 4 intervals = 4 s):
// exactly one error line for the streak, and a mark in its status file; it clears both when the core is
// back. A real core and a real agent with Litestream.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../src/server/start.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { sleep, waitFor } from "../support/wait-for.ts";
import { createDatabase } from "../litestream/live.ts";
import { runAgent, type TestAgent } from "./harness.ts";

const LOUD = "past the grace of 5 s";

describe("core unreachable past the grace", () => {
  let dir: TmpDir;
  let server: RunningServer | null = null;
  let agent: TestAgent | null = null;
  const adminToken = `bradm_watch_${Math.random().toString(36).slice(2)}`;
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const start = (port: number) =>
    startServer({ env: { BORELA_ADMIN_TOKEN: adminToken, BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LOG_LEVEL: "warn" }, dataDir: path.join(dir.path, "core"), host: "127.0.0.1", port, logStream: quiet });
  const status = async () => JSON.parse(await readFile(agent!.statusFile, "utf8")) as { ok: boolean; error?: string; coreUnreachableSince?: string };

  beforeAll(async () => {
    dir = await tmpDir("borela-core-watch-");
  });
  afterAll(async () => {
    await agent?.stop();
    await server?.close();
    await dir?.remove();
  });

  it("marks the status file and logs one loud line per streak after the grace, and clears both when the core is back", async () => {
    server = await start(0);
    const port = Number(new URL(server.url).port);
    const res = await fetch(`${server.url}/api/v1/projects`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "watched", heartbeatGraceSeconds: 5 }),
    });
    const p = (await res.json()) as { agentToken: string };
    const dbPath = path.join(dir.path, "app.sqlite3");
    createDatabase(dbPath, 5);
    agent = await runAgent({ server: server.url, token: p.agentToken, databases: [dbPath], replicaUrl: `file://${path.join(dir.path, "replica")}`, dir: dir.path });
    await waitFor(async () => (await status().catch(() => null))?.ok === true, { timeoutMs: 15_000, what: "a first heartbeat through" });

    await server.close();
    server = null;
    const downAt = Date.now();
    // Within the grace: not ok (as before), but no mark and no loud line yet.
    await waitFor(async () => (await status()).error?.includes("core unreachable"), { timeoutMs: 5_000, what: "a failed heartbeat" });
    expect(Date.now() - downAt).toBeLessThan(3_500);
    expect((await status()).coreUnreachableSince).toBeUndefined();
    expect(agent.logs.filter((l) => l.includes(LOUD))).toHaveLength(0);

    const marked = await waitFor(async () => {
      const s = await status();
      return s.coreUnreachableSince ? s : null;
    }, { timeoutMs: 15_000, what: "the unreachable mark" });
    expect(Date.now() - downAt).toBeGreaterThanOrEqual(5_000);
    expect(marked.ok).toBe(false);
    expect(marked.error).toMatch(/^core unreachable for \d+ s, longer than the grace of 5 s; core unreachable: /);
    expect(Math.abs(Date.parse(marked.coreUnreachableSince!) - downAt)).toBeLessThan(2_500);
    // Several more failed heartbeats and retries: still one loud line for the streak.
    await sleep(4_000);
    const loud = agent.logs.filter((l) => l.includes(LOUD));
    expect(loud).toHaveLength(1);
    expect(loud[0]).toMatch(/ ERROR core unreachable for \d+ s, past the grace of 5 s/);
    expect(loud[0]).not.toContain(p.agentToken);

    server = await start(port);
    await waitFor(async () => (await status()).ok === true, { timeoutMs: 20_000, what: "the status file to say ok again" });
    expect((await status()).coreUnreachableSince).toBeUndefined();
    expect(agent.logs.filter((l) => /core reachable again after \d+ s unreachable/.test(l))).toHaveLength(1);
    expect(agent.logs.filter((l) => l.includes(LOUD))).toHaveLength(1);
  }, 60_000);
});
