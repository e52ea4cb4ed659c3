// The agent against a real core, Litestream and a database another process
// writes to: fresh while replicating, still fresh when idle, an error naming
// Litestream when it dies with restarts off, silent once the agent stops.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSqliteWriter, type SqliteWriter } from "../support/sqlite-writer.ts";
import { sleep, waitFor } from "../support/wait-for.ts";
import { createDatabase } from "../litestream/live.ts";
import { project, runAgent, startHarness, waitForStatus, type Harness, type TestAgent } from "./harness.ts";

const STALE_AFTER = 3;
const GRACE = 4;
const SWEEP = 1;

let h: Harness;
let agent: TestAgent;
let writer: SqliteWriter | null = null;
let projectId: string;
let dbPath: string;

beforeAll(async () => {
  h = await startHarness();
  const p = await h.core.createProject("lifecycle", { staleAfterSeconds: STALE_AFTER, heartbeatGraceSeconds: GRACE });
  projectId = p.id;
  dbPath = path.join(h.dir.path, "app.sqlite3");
  createDatabase(dbPath, 20);
  agent = await runAgent({
    server: h.core.url,
    token: p.agentToken,
    databases: [dbPath],
    replicaUrl: `file://${path.join(h.dir.path, "replica")}`,
    flags: { restartLitestream: false },
    dir: h.dir.path,
    env: { BORELA_LITESTREAM_VERSION: "0.3" },
  });
});

afterAll(async () => {
  await writer?.stop();
  await agent?.stop();
  await h?.close();
});

describe("agent lifecycle against a real core", () => {
  it("healthy writes: fresh, positions advance, storage bytes > 0", async () => {
    writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 20, durationMs: 60_000 });
    const first = await waitForStatus(h.core, projectId, "fresh", 15_000, (p) => (p.databases[0]?.replicas[0]?.storageBytes ?? 0) > 0);
    const db1 = first.databases[0];
    expect(db1).toMatchObject({ name: "app", path: dbPath, exists: true });
    expect(db1.replicas[0].url).toBe(`file://${path.join(h.dir.path, "replica")}`);
    expect(db1.replicas[0].lastError).toBeNull();
    expect(db1.position?.generation).toMatch(/^[0-9a-f]{16}$/);
    const pos1 = db1.replicas[0].position!;
    const later = await waitFor(
      async () => {
        const p = await project(h.core, projectId);
        const pos = p.databases[0].replicas[0].position;
        return pos && (pos.index > pos1.index || pos.offset > pos1.offset) ? p : null;
      },
      { timeoutMs: 10_000, what: "replica position to advance" },
    );
    expect(later.status).toBe("fresh");
    expect(later.storageBytes).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(agent.statusFile, "utf8"))).toMatchObject({ ok: true, at: expect.any(String) });
  });

  it("idle for longer than the threshold: still fresh", async () => {
    await writer!.stop();
    writer = null;
    await waitForStatus(h.core, projectId, "fresh", 10_000, (p) => p.databases[0].replicas[0].pendingSince === null);
    const seen = new Set<string>();
    const until = Date.now() + (STALE_AFTER + 3) * 1000;
    for (let i = 0; i < 100 && Date.now() < until; i++) {
      const p = await project(h.core, projectId);
      seen.add(p.status);
      await sleep(250);
    }
    expect([...seen]).toEqual(["fresh"]);
    const payload = agent.agent.lastPayload()!;
    expect(payload.databases[0].replicas[0].pendingSince).toBeNull();
    expect(payload.databases[0].litestreamRunning).toBe(true);
  });

  it("Litestream killed (no restart) while writes continue: error naming it at once, not a stale of unknown cause", async () => {
    // The old agent made it a note: `stale` after the threshold, "changes to app unreplicated for 64s", cause only in notes.
    writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 10, durationMs: 60_000 });
    await sleep(1500);
    const killedAt = Date.now();
    agent.agent.supervisor!.kill();
    const error = await waitForStatus(h.core, projectId, "error", (SWEEP + 6) * 1000);
    const elapsed = (Date.now() - killedAt) / 1000;
    expect(elapsed).toBeLessThan(SWEEP + 6);
    expect(error.statusReasons.join(" ")).toMatch(/Litestream is not running: killed by SIGKILL at \S+; restarts are off \(--no-restart-litestream\): no change is replicated until it is started again/);
    const payload = agent.agent.lastPayload()!;
    expect(payload.databases[0].litestreamRunning).toBe(false);
    await waitFor(() => (agent.agent.lastPayload()!.databases[0].replicas[0].pendingSince ? true : null), { timeoutMs: 10_000, what: "changes pending" });
    console.log(`[lifecycle] Litestream killed with restarts off: error after ${elapsed.toFixed(1)} s`);
  });

  it("agent stopped: silent after the grace period", async () => {
    await writer!.stop();
    writer = null;
    await agent.stop();
    const stoppedAt = Date.now();
    const silent = await waitForStatus(h.core, projectId, "silent", (GRACE + SWEEP + 5) * 1000);
    expect((Date.now() - stoppedAt) / 1000).toBeGreaterThanOrEqual(GRACE - 2);
    expect(silent.statusReasons.join(" ")).toMatch(/no heartbeat/);
  });
});
