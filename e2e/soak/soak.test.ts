// Soak (issue 12): a real agent (heartbeat 2 s) running real Litestream 0.3.13
// to S3 (fauxqs) for two databases, one busy with a steady writer, one idle
// after a burst, against a core with a 10 s stale threshold, for more than
// three minutes and at least three Litestream checkpoints (seen as the shadow
// WAL index advancing). A caught-up database is fresh: zero transitions away
// from `fresh`, zero incidents. The old agent went stale after the first
// checkpoint and stayed there.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readShadowPosition } from "../../core/src/litestream/shadow-wal.ts";
import { project, runAgent, s3Env, s3ReplicaUrl, waitForStatus, type TestAgent } from "../../core/test/agent/harness.ts";
import { createDatabase } from "../../core/test/litestream/live.ts";
import { startSqliteWriter, type SqliteWriter } from "../../core/test/support/sqlite-writer.ts";
import { startWorld, type World } from "../drift/world.ts";

const SOAK_MS = 200_000;
let world: World;
let agent: TestAgent | null = null;
let writer: SqliteWriter | null = null;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await writer?.stop();
  await agent?.stop();
  await world?.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("soak", () => {
  it("two databases over 3+ minutes and 3+ checkpoints: always fresh, zero incidents", async () => {
    const p = await world.core.createProject("soak", { staleAfterSeconds: 10, heartbeatGraceSeconds: 10 });
    const dir = path.join(world.dir.path, "soak");
    await mkdir(dir, { recursive: true });
    const busy = path.join(dir, "busy.sqlite3");
    const idle = path.join(dir, "idle.sqlite3");
    createDatabase(busy, 50);
    createDatabase(idle, 50);
    agent = await runAgent({
      server: world.core.url,
      token: p.agentToken,
      databases: [busy, idle],
      replicaUrl: s3ReplicaUrl(world.s3, "backups", "soak"),
      env: { ...s3Env(world.s3), BORELA_SAMPLE_INTERVAL_SECONDS: "1", BORELA_LITESTREAM_VERSION: "0.3" },
      dir,
      intervalSeconds: 2,
    });
    await waitForStatus(world.core, p.id, "fresh", 30_000, (d) => d.databases.length === 2 && d.databases.every((db) => db.replicas[0]?.position));

    const lastIndex = new Map<string, number>();
    const checkpoints = new Map<string, number>([[busy, 0], [idle, 0]]);
    const countCheckpoints = async () => {
      for (const file of [busy, idle]) {
        const pos = await readShadowPosition(file);
        if (!pos) continue;
        const key = `${file}:${pos.generation}`;
        const prev = lastIndex.get(key);
        if (prev !== undefined && pos.index > prev) checkpoints.set(file, checkpoints.get(file)! + (pos.index - prev));
        lastIndex.set(key, pos.index);
      }
    };
    await countCheckpoints(); // the baseline, before the burst's checkpoint
    // The idle database: one burst (a 6 MB row forces its checkpoint), then nothing.
    const burst = new Database(idle);
    burst.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('burst', ?, ?)").run("i".repeat(6_000_000), new Date().toISOString());
    burst.close();
    writer = await startSqliteWriter({ path: busy, ratePerSecond: 20, durationMs: SOAK_MS + 20_000 });
    const big = new Database(busy);
    big.pragma("busy_timeout = 5000");

    const statuses: Array<{ at: number; status: string; reasons: string[] }> = [];
    const start = Date.now();
    let nextBlob = start + 30_000;
    while (Date.now() - start < SOAK_MS) {
      await countCheckpoints();
      // Now and then the busy app stores something large, as apps do: more WAL, more checkpoints.
      if (Date.now() >= nextBlob) {
        big.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('blob', ?, ?)").run("b".repeat(3_000_000), new Date().toISOString());
        nextBlob += 40_000;
      }
      const detail = await project(world.core, p.id);
      statuses.push({ at: Date.now() - start, status: detail.status, reasons: detail.statusReasons });
      await pause(1_000);
    }
    big.close();
    const soakSeconds = (Date.now() - start) / 1000;
    const written = (await writer.stop()).transactions;
    writer = null;

    const away = statuses.filter((s) => s.status !== "fresh");
    const incidents = (await world.core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body;
    console.log(
      `[soak] ${soakSeconds.toFixed(0)} s, ${statuses.length} status polls, ${written} writer transactions, checkpoints busy=${checkpoints.get(busy)} idle=${checkpoints.get(idle)}, not fresh=${away.length}, incidents=${incidents.length}`,
    );
    expect(soakSeconds).toBeGreaterThanOrEqual(180);
    expect(checkpoints.get(busy)! + checkpoints.get(idle)!).toBeGreaterThanOrEqual(3);
    expect(checkpoints.get(busy)).toBeGreaterThanOrEqual(3);
    expect(checkpoints.get(idle)).toBeGreaterThanOrEqual(1);
    expect(away.slice(0, 5), "polls that were not fresh").toEqual([]);
    expect(incidents).toEqual([]);
  }, SOAK_MS + 150_000);
});
