// Drills through BullMQ on a real Redis: two workers share a batch without
// running a drill twice; a worker killed mid-drill does not leave it stuck.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import path from "node:path";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { startRedis, type RedisServer } from "../support/redis.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { addRows, replicate, reportDatabase, seededDatabase, tableCounts } from "./fixtures.ts";
import { createDrillWorker } from "../../src/drills/bullmq-queue.ts";
import { createLogger } from "../../src/logger.ts";
import { openRedis } from "../../src/queue/redis.ts";

let redis: RedisServer;
let core: TestCore;
let tmp: TmpDir;
const root = path.resolve(import.meta.dirname, "../../..");

beforeAll(async () => {
  redis = await startRedis();
  // The core enqueues to Redis; its own in-process worker is one of the workers under test.
  core = await startTestCore({ BORELA_REDIS_URL: redis.url, BORELA_DRILL_LEASE_SECONDS: "2" });
  tmp = await tmpDir("borela-bullmq-");
});
afterAll(async () => {
  await core?.close();
  await redis?.stop();
  await tmp?.remove();
});

async function replicatedProject(name: string) {
  const dir = path.join(tmp.path, name);
  const file = seededDatabase(dir);
  const replicaDir = path.join(dir, "replica");
  await replicate(dir, file, { type: "file", path: replicaDir }, [(f) => addRows(f, 5, 5)]);
  const project = await core.createProject(name);
  await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`);
  return { project, counts: tableCounts(file) };
}

async function finished(ids: string[], timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const rows = await core.store.drill.findMany({ where: { id: { in: ids } } });
      return rows.length === ids.length && rows.every((r) => ["passed", "failed", "error"].includes(r.status)) ? rows : null;
    },
    { timeoutMs, what: `${ids.length} drills to finish` },
  );
}

describe("BullMQ drill queue", () => {
  it("two workers process a batch without running any drill twice", async () => {
    const connection = openRedis(redis.url);
    const second = createDrillWorker({ store: core.store, config: core.config, logger: createLogger("silent") }, connection.client, { workerId: "second-worker", concurrency: 1 });
    try {
      const { project, counts } = await replicatedProject("batch");
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(...(await core.app.drills.enqueue(project.id)));
      const rows = await finished(ids);
      expect(rows.map((r) => r.status)).toEqual(Array(6).fill("passed"));
      expect(rows.map((r) => r.attempts)).toEqual(Array(6).fill(1));
      expect(new Set(rows.map((r) => r.workerId)).size).toBe(2);
      for (const r of rows) expect(JSON.parse(r.report!).tables).toEqual(counts);
    } finally {
      await second.close();
      await connection.close();
    }
  });

  it("a worker killed mid-drill: the drill is retried by another worker, never stuck", async () => {
    const { project } = await replicatedProject("killed-worker");
    // Stop the core's own worker from taking the job first: a separate `borela worker` process claims it.
    const worker = spawn(process.execPath, [path.join(root, "core/bin/borela.js"), "worker"], {
      env: { ...process.env, BORELA_REDIS_URL: redis.url, BORELA_DATA_DIR: core.config.dataDir, BORELA_FILE_REPLICA_ROOTS: core.config.fileReplicaRoots.join(","), BORELA_DRILL_LEASE_SECONDS: "2", BORELA_LOG_LEVEL: "warn" },
      stdio: "ignore",
    });
    await core.app.drills.pause();
    try {
      const [id] = await core.app.drills.enqueue(project.id);
      await waitFor(async () => {
        const row = await core.store.drill.findUnique({ where: { id } });
        return row?.status === "running" && row.workerId?.endsWith(`:${worker.pid}`) ? row : null;
      }, { timeoutMs: 30_000, intervalMs: 5, what: "the worker process to start the drill" });
      worker.kill("SIGKILL");
      core.app.drills.resume();
      const [row] = await finished([id], 60_000);
      expect(row.status).toBe("passed");
      expect(row.attempts).toBe(2);
      expect(row.workerId).not.toMatch(new RegExp(`:${worker.pid}$`));
    } finally {
      core.app.drills.resume();
      if (worker.exitCode === null) worker.kill("SIGKILL");
    }
  });
});
