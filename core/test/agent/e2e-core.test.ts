// What the core does must never stop the backups: a revoked token is logged
// and the project goes silent while Litestream keeps replicating; a core that
// is down for a while gets every heartbeat of the outage once it is back.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReplica } from "../../src/litestream/replica-reader.ts";
import { startServer, type RunningServer } from "../../src/server/start.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { sleep, waitFor } from "../support/wait-for.ts";
import { createDatabase } from "../litestream/live.ts";
import { runAgent, waitForStatus, type TestAgent } from "./harness.ts";
import { useHarness } from "./use-harness.ts";

describe("revoked agent token", () => {
  const h = useHarness();

  it("core rejects, agent logs it once, project goes silent, Litestream keeps replicating", async () => {
    const p = await h.core.createProject("revoked", { staleAfterSeconds: 5, heartbeatGraceSeconds: 3 });
    const dbPath = path.join(h.dir.path, "app.sqlite3");
    createDatabase(dbPath, 5);
    const replica = path.join(h.dir.path, "replica");
    const agent = await h.runAgent({ server: h.core.url, token: p.agentToken, databases: [dbPath], replicaUrl: `file://${replica}`, dir: h.dir.path });
    await waitForStatus(h.core, p.id, "fresh", 15_000);

    const tokens = await h.core.api<Array<{ id: string }>>("GET", `/api/v1/projects/${p.id}/tokens`);
    expect(tokens.status).toBe(200);
    expect((await h.core.api("DELETE", `/api/v1/projects/${p.id}/tokens/${tokens.body[0].id}`)).status).toBeLessThan(300);

    const silent = await waitForStatus(h.core, p.id, "silent", 12_000);
    expect(silent.statusReasons.join(" ")).toMatch(/no heartbeat/);
    const rejections = agent.logs.filter((l) => l.includes("core rejected the agent token"));
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatch(/HTTP 401/);
    expect(rejections[0]).not.toContain(p.agentToken);
    expect(JSON.parse(await readFile(agent.statusFile, "utf8"))).toMatchObject({ ok: false, error: expect.stringMatching(/token rejected/) });

    expect(agent.agent.supervisor!.status().running).toBe(true);
    const before = (await readReplica({ type: "file", path: path.join(replica) })).position!;
    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 50, durationMs: 1000 });
    await writer.exited;
    await waitFor(
      async () => {
        const now = (await readReplica({ type: "file", path: replica })).position!;
        return now.index > before.index || now.offset > before.offset;
      },
      { timeoutMs: 10_000, what: "replica to advance with the token revoked" },
    );
  });
});

describe("core down, then back", () => {
  let dir: TmpDir;
  let server: RunningServer | null = null;
  let agent: TestAgent | null = null;
  const adminToken = `bradm_outage_${Math.random().toString(36).slice(2)}`;
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const start = (port: number) =>
    startServer({ env: { BORELA_ADMIN_TOKEN: adminToken, BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LOG_LEVEL: "warn" }, dataDir: path.join(dir.path, "core"), host: "127.0.0.1", port, logStream: quiet });
  const admin = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server!.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    dir = await tmpDir("borela-outage-");
  });
  afterAll(async () => {
    await agent?.stop();
    await server?.close();
    await dir?.remove();
  });

  it("heartbeats sent during the outage arrive when it is back, with no gap", async () => {
    server = await start(0);
    const port = Number(new URL(server.url).port);
    const p = await admin<{ id: string; agentToken: string }>("POST", "/api/v1/projects", { name: "outage", staleAfterSeconds: 30, heartbeatGraceSeconds: 60 });
    const dbPath = path.join(dir.path, "app.sqlite3");
    createDatabase(dbPath, 5);
    agent = await runAgent({ server: server.url, token: p.agentToken, databases: [dbPath], replicaUrl: `file://${path.join(dir.path, "replica")}`, dir: dir.path });
    await waitFor(async () => (await admin<unknown[]>("GET", `/api/v1/projects/${p.id}/heartbeats?limit=10`)).length >= 2, { timeoutMs: 10_000, what: "first heartbeats" });

    await server.close();
    server = null;
    const downAt = Date.now();
    await waitFor(() => agent!.agent.queued() >= 3, { timeoutMs: 15_000, what: "heartbeats to queue up while the core is down" });
    expect(JSON.parse(await readFile(agent.statusFile, "utf8"))).toMatchObject({ ok: false, error: expect.stringMatching(/core unreachable/) });
    expect(agent.logs.filter((l) => l.includes("core unreachable")).length).toBeGreaterThanOrEqual(1);
    await sleep(1000);
    const upAt = Date.now();

    server = await start(port);
    await waitFor(() => agent!.agent.queued() === 0, { timeoutMs: 20_000, what: "the queue to drain" });
    const history = await admin<Array<{ sequence: number | null; sentAt: string }>>("GET", `/api/v1/projects/${p.id}/heartbeats?limit=1000`);
    const sequences = history.map((h) => h.sequence!).sort((a, b) => a - b);
    expect(sequences[0]).toBe(0);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i));
    const during = history.filter((h) => Date.parse(h.sentAt) > downAt && Date.parse(h.sentAt) < upAt);
    expect(during.length).toBeGreaterThanOrEqual(3);
    // The status file is written after the flush that drained the queue returns.
    await waitFor(async () => (JSON.parse(await readFile(agent!.statusFile, "utf8")).ok === true ? true : null), { timeoutMs: 10_000, what: "the status file to say ok" });
    expect(agent.logs.some((l) => l.includes("core reachable again"))).toBe(true);
  });
});
