// BullMQ carries drill jobs only: the core's own deadlines (Project.nextDrillAt) fire scheduled drills and
// add one job per drill; no job scheduler lives in Redis (an older version's are removed on start), so a
// deleted project leaves nothing there; one ioredis connection serves the queue and /healthz.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Queue } from "bullmq";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { startRedis, type RedisServer } from "../support/redis.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { addRows, replicate, reportDatabase, seededDatabase, tableCounts } from "./fixtures.ts";
import { QUEUE_NAME } from "../../src/drills/bullmq-queue.ts";
import { openRedis, type RedisConnection } from "../../src/queue/redis.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const LITESTREAM = path.join(root, "node_modules/@flydotio/litestream-linux-x64/litestream");
let redis: RedisServer;
let conn: RedisConnection;
let queue: Queue;
let core: TestCore;
let tmp: TmpDir;

beforeAll(async () => {
  redis = await startRedis();
  conn = openRedis(redis.url);
  queue = new Queue(QUEUE_NAME, { connection: conn.client });
  // What an older version left: a per-project job scheduler that BullMQ fired on its own.
  await queue.upsertJobScheduler("project-old", { pattern: "0 3 * * *", tz: "UTC" }, { name: "scheduled", data: { projectId: "old" } });
  expect(await queue.getJobSchedulersCount()).toBe(1);
  core = await startTestCore({ BORELA_REDIS_URL: redis.url, BORELA_DRILL_LEASE_SECONDS: "2", BORELA_LOG_LEVEL: "warn" });
  tmp = await tmpDir("borela-bullmq-schedule-");
}, 60_000);
afterAll(async () => {
  await core?.close();
  await queue?.close();
  await conn?.close();
  await redis?.stop();
  if (restarted) await stopProcess(restarted);
  await tmp?.remove();
});

async function replicatedProject(name: string, settings: Record<string, unknown> = {}) {
  const dir = path.join(tmp.path, name);
  const file = seededDatabase(dir);
  const replicaDir = path.join(dir, "replica");
  await replicate(dir, file, { type: "file", path: replicaDir }, [(f) => addRows(f, 5, 5)]);
  const project = await core.createProject(name, settings);
  await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`);
  // What a plain `litestream restore` of the same replica holds.
  const plain = path.join(dir, "plain.sqlite3");
  execFileSync(LITESTREAM, ["restore", "-o", plain, `file://${replicaDir}`]);
  return { project, plainCounts: tableCounts(plain) };
}

const finished = (id: string, timeoutMs = 60_000) =>
  waitFor(async () => {
    const row = await core.store.drill.findUnique({ where: { id } });
    return row && ["passed", "failed", "error"].includes(row.status) ? row : null;
  }, { timeoutMs, what: `drill ${id} to finish` });

/** Every key and value in Redis, as one string (a few hundred keys at most here). */
async function redisDump(): Promise<string> {
  const c = conn.client;
  const parts: string[] = [];
  for (const key of await c.keys("*")) {
    const type = await c.type(key);
    const value =
      type === "hash" ? await c.hgetall(key) : type === "zset" ? await c.zrange(key, "0", "-1") : type === "list" ? await c.lrange(key, 0, -1) : type === "set" ? await c.smembers(key) : type === "string" ? await c.get(key) : type === "stream" ? await c.xrange(key, "-", "+", "COUNT", "100000") : null;
    parts.push(`${key}=${JSON.stringify(value)}`);
  }
  return parts.join("\n");
}

describe("BullMQ without job schedulers", () => {
  it("removes an older version's job scheduler on start and keeps none of its own", async () => {
    await waitFor(async () => ((await queue.getJobSchedulersCount()) === 0 ? true : null), { timeoutMs: 10_000, what: "the old job scheduler to be removed" });
    await core.createProject("no-scheduler", { drillSchedule: "15 2 * * *" });
    await core.app.drills.scheduleTick();
    expect(await queue.getJobSchedulers()).toEqual([]);
  }, 30_000);

  it("a scheduled drill fires through BullMQ at its due time, with the counts of a plain litestream restore", async () => {
    const { project, plainCounts } = await replicatedProject("scheduled", { drillSchedule: "* * * * *" });
    const t0 = new Date();
    await core.app.drills.scheduleTick(t0); // the first look records the next fire and queues nothing
    expect(await core.store.drill.count({ where: { projectId: project.id } })).toBe(0);
    // Compressed time: the tick is told it is just past the next minute's fire.
    await core.app.drills.scheduleTick(new Date(t0.getTime() + 61_000));
    const [drill] = await core.store.drill.findMany({ where: { projectId: project.id } });
    expect(drill).toMatchObject({ trigger: "schedule" });
    const row = await finished(drill.id);
    expect(row.status).toBe("passed");
    // Run by a BullMQ worker (the core's own), not the embedded queue, which does not exist with Redis.
    expect(row.workerId).toMatch(/:\d+$/);
    expect(JSON.parse(row.report!).tables).toEqual(plainCounts);
    expect(await queue.getJobSchedulers()).toEqual([]);
  }, 90_000);

  it("a deleted project leaves nothing behind in Redis", async () => {
    const { project } = await replicatedProject("deleted", { drillSchedule: "* * * * *" });
    const t0 = new Date();
    await core.app.drills.scheduleTick(t0);
    await core.app.drills.scheduleTick(new Date(t0.getTime() + 61_000));
    const [drill] = await core.store.drill.findMany({ where: { projectId: project.id } });
    await finished(drill.id);
    expect((await core.api("DELETE", `/api/v1/projects/${project.id}`)).status).toBe(204);
    const dump = await redisDump();
    expect(dump).not.toContain(project.id);
    // No job hash of its drill (finished jobs are removed; the Drill row kept the outcome).
    expect(dump.split("\n").filter((l) => l.startsWith(`bull:${QUEUE_NAME}:${drill.id}`))).toEqual([]);
  }, 90_000);

  it("a drill runs through `borela worker`", async () => {
    const { project, plainCounts } = await replicatedProject("worker-process");
    await core.app.drills.pause();
    const worker = spawn(process.execPath, [path.join(root, "core/bin/borela.js"), "worker"], {
      env: { ...process.env, BORELA_REDIS_URL: redis.url, BORELA_DATA_DIR: core.config.dataDir, BORELA_FILE_REPLICA_ROOTS: core.config.fileReplicaRoots.join(","), BORELA_DRILL_LEASE_SECONDS: "2", BORELA_LOG_LEVEL: "warn" },
      stdio: "ignore",
    });
    try {
      const [id] = await core.app.drills.enqueue(project.id);
      const row = await finished(id);
      expect(row.status).toBe("passed");
      expect(row.workerId).toMatch(new RegExp(`:${worker.pid}$`));
      expect(JSON.parse(row.report!).tables).toEqual(plainCounts);
      // SIGTERM: the worker closes its queue connection and exits cleanly.
      const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
      worker.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      core.app.drills.resume();
      if (worker.exitCode === null) worker.kill("SIGKILL");
    }
  }, 90_000);

  it("/healthz?details=true reports Redis down (still 200); a drill queued meanwhile runs once Redis is back, its data lost", async () => {
    const { project, plainCounts } = await replicatedProject("redis-down");
    const up = await core.api("GET", "/healthz?details=true");
    expect(up.status).toBe(200);
    expect(up.body.details.redis).toMatchObject({ ok: true });
    expect(up.body.details.redis.latencyMs).toBeGreaterThanOrEqual(0);
    await queue.close();
    await conn.close();
    const port = new URL(redis.url).port;
    await redis.stop();
    const down = await waitFor(async () => {
      const res = await core.api("GET", "/healthz?details=true");
      return res.body.details?.redis?.ok === false ? res : null;
    }, { timeoutMs: 10_000, what: "/healthz to report Redis down" });
    expect(down.status).toBe(200);
    expect(down.body.details.redis.error).toMatch(/not connected|PING|ECONNREFUSED|closed/);
    // Without details, nothing about Redis.
    expect((await core.api("GET", "/healthz")).body).toEqual({ ok: true });

    // A drill asked for while Redis is down is accepted at once and waits in the store.
    const asked = Date.now();
    const res = await core.api("POST", `/api/v1/projects/${project.id}/drills`, { body: {} });
    expect(res.status).toBe(202);
    expect(Date.now() - asked).toBeLessThan(1_500);
    // Redis comes back empty (no persistence): the core adds the queued drill's job again on reconnect.
    restarted = spawn("redis-server", ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const row = await finished(res.body.id, 60_000);
    expect(row.status).toBe("passed");
    expect(JSON.parse(row.report!).tables).toEqual(plainCounts);
    const back = await core.api("GET", "/healthz?details=true");
    expect(back.body.details.redis).toMatchObject({ ok: true });

    // The core stops with Redis down (BullMQ's graceful worker close would wait for Redis forever).
    await stopProcess(restarted);
    await waitFor(async () => ((await core.api("GET", "/healthz?details=true")).body.details?.redis?.ok === false ? true : null), { timeoutMs: 10_000, what: "Redis down again" });
    const started = Date.now();
    await core.close();
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 120_000);
});

let restarted: ChildProcess | null = null;
function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
