// Issue 20 items 2-4: a drill survives the death of the process running it. PostgreSQL and Redis on loopback,
// two `borela serve` (each runs a BullMQ drill worker) and one `borela worker`; a real agent replicates a real
// SQLite database to a file replica, then stops (its final sync), so the replica no longer moves. A drill is
// queued through the API with an assertion that counts for several seconds (a recursive CTE in SQLite), so
// the drill is mid-check when the process holding it (the Drill row's workerId, "<host>:<pid>") is kill -9'd.
// Another process must take it over within the drill lease + BullMQ's stalled interval (both
// BORELA_DRILL_LEASE_SECONDS), and the drill ends passed, in one Drill row, with the counts of a plain
// `litestream restore` of the same replica. /healthz?details=true lists the live workers before the kill and
// drops the killed one within three beats.
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { restore } from "../../core/src/litestream/commands.ts";
import { resolveLitestreamBinFor } from "../../core/src/litestream/binary.ts";
import { countRows, createDatabase } from "../../core/test/litestream/live.ts";
import { tableCounts } from "../../core/test/drills/fixtures.ts";
import { startAgentProcess, startCoreProcess, startWorkerProcess, type ChildHandle, type CoreProcess } from "../../core/test/support/core-process.ts";
import { testLitestreamLine } from "../../core/test/support/litestream-line.ts";
import { startPostgres, type PostgresCluster } from "../../core/test/support/postgres.ts";
import { startRedis, type RedisServer } from "../../core/test/support/redis.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";

const ADMIN = "bradm_ha_drill_takeover";
const LEASE_S = 3; // BORELA_DRILL_LEASE_SECONDS: the Drill row's lease, BullMQ's lock and stalled interval
const ROWS = 500;
// About 6 M steps a second on this machine: several seconds of checks per run of the drill.
const SLOW_ASSERTION = { name: "slow count", sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 25000000) SELECT count(*) FROM c", op: ">=", value: 1 };

let dir: TmpDir;
let cluster: PostgresCluster;
let redis: RedisServer;
let db: pg.Client;
const cores: CoreProcess[] = [];
const processes: ChildHandle[] = [];

beforeAll(async () => {
  dir = await tmpDir("borela-takeover-");
  [cluster, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 90_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill9()));
  await db?.end().catch(() => undefined);
  await Promise.all([redis?.stop(), cluster?.stop()]);
  await dir?.remove();
});

async function api(core: CoreProcess, method: string, url: string, body?: unknown) {
  const res = await fetch(core.url + url, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

interface DrillRow {
  id: string;
  status: string;
  trigger: string;
  workerId: string | null;
  attempts: number;
  startedAt: Date | null;
}
const drillRows = async (projectId: string) =>
  (await db.query(`SELECT id, status, "trigger", "workerId", attempts, "startedAt" FROM "Drill" WHERE "projectId" = $1 ORDER BY "queuedAt"`, [projectId])).rows as DrillRow[];
const drillRow = async (id: string) => (await db.query(`SELECT id, status, "trigger", "workerId", attempts, "startedAt" FROM "Drill" WHERE id = $1`, [id])).rows[0] as DrillRow;

/** The pid in a worker id "<host>:<pid>". */
const workerPid = (workerId: string) => Number(workerId.split(":").at(-1));

interface SeenWorker {
  id: string;
  host: string;
  pid: number | null;
  lastSeenAt: string;
  drillsRunning: number;
}
const drillWorkers = async (core: CoreProcess) =>
  (await api(core, "GET", "/healthz?details=true")).body.details.drillWorkers as { workers: SeenWorker[]; queued: number; problem: string | null };

describe("a drill whose process is killed mid-drill", () => {
  it("is taken over by another process within the lease and stalled interval and ends passed, with a plain restore's counts", async () => {
    onTestFailed(() => {
      for (const p of processes) console.log(`--- ${p.name} (${p.alive() ? "alive" : "exited"}):\n${p.output().slice(-6_000)}`);
    });
    const databaseUrl = await cluster.createDatabase("borela_takeover");
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const shared = {
      BORELA_DATABASE_URL: databaseUrl,
      BORELA_REDIS_URL: redis.url,
      BORELA_ADMIN_TOKEN: ADMIN,
      BORELA_SECRET_KEY: "ha-drill-takeover-secret-key-0123456789",
      BORELA_FILE_REPLICA_ROOTS: dir.path,
      BORELA_DRILL_LEASE_SECONDS: String(LEASE_S),
    };
    const coreEnv = (name: string) => ({ ...shared, BORELA_DATA_DIR: path.join(dir.path, `core-${name}`), BORELA_SWEEP_INTERVAL_SECONDS: "1" });
    // The first core migrates the fresh database; the other core and the worker start on it.
    cores.push(await startCoreProcess("core-a", coreEnv("a")));
    cores.push(await startCoreProcess("core-b", coreEnv("b")));
    const worker = await startWorkerProcess("worker", { ...shared, BORELA_DATA_DIR: path.join(dir.path, "worker") });
    processes.push(...cores, worker);
    const pids = processes.map((p) => p.child.pid!);

    // Every drill worker is seen on either core, with its host and pid.
    const seen = await waitFor(async () => {
      const w = await drillWorkers(cores[1]);
      return w.workers.length === 3 ? w : null;
    }, { timeoutMs: 15_000, intervalMs: 200, what: "three drill workers in /healthz" });
    expect(seen.workers.map((w) => w.pid).sort()).toEqual([...pids].sort());
    expect(seen.problem).toBeNull();

    // A real agent replicates a real database; its first drill (automatic, quick: no assertion yet) passes.
    const project = (await api(cores[0], "POST", "/api/v1/projects", { name: "takeover", heartbeatGraceSeconds: 30 })).body;
    const file = path.join(dir.path, "app.sqlite3");
    const replica = path.join(dir.path, "replica");
    createDatabase(file, ROWS);
    const agent = await startAgentProcess("agent", {
      BORELA_SERVER: cores[0].url,
      BORELA_AGENT_TOKEN: project.agentToken,
      BORELA_DATABASES: file,
      BORELA_REPLICA_URL: `file://${replica}`,
      BORELA_HEARTBEAT_INTERVAL_SECONDS: "1",
      BORELA_SAMPLE_INTERVAL_SECONDS: "1",
      BORELA_LITESTREAM_SYNC_INTERVAL: "200ms",
      BORELA_AGENT_STATUS_FILE: path.join(dir.path, "agent-status.json"),
      BORELA_AGENT_STATE_DIR: path.join(dir.path, "agent-state"),
      BORELA_LITESTREAM_VERSION: testLitestreamLine(),
    });
    processes.push(agent);
    await waitFor(async () => (await api(cores[0], "GET", `/api/v1/projects/${project.id}`)).body.status === "fresh" || null, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: "the project fresh",
    });
    await waitFor(async () => (await drillRows(project.id)).some((d) => d.trigger === "first" && d.status === "passed") || null, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: "the first drill passed",
    });
    expect(await agent.stop()).toBe(0); // Litestream's final sync: the replica stays as it is from here on
    expect((await api(cores[0], "PATCH", `/api/v1/projects/${project.id}`, { assertions: [SLOW_ASSERTION] })).status).toBe(200);

    // The drill, and the process that holds it.
    const queued = await api(cores[1], "POST", `/api/v1/projects/${project.id}/drills`, {});
    expect(queued.status).toBe(202);
    const drillId: string = queued.body.id;
    const held = await waitFor(async () => {
      const d = await drillRow(drillId);
      // Mid-drill: running for a second and a half (the restore of a small replica is done; the checks count).
      return d.status === "running" && d.startedAt && Date.now() - d.startedAt.getTime() > 1_500 ? d : null;
    }, { timeoutMs: 30_000, intervalMs: 100, what: "the drill running" });
    const holder = processes.find((p) => p.child.pid === workerPid(held.workerId!));
    expect(holder, `the holder ${held.workerId} is one of ours`).toBeDefined();
    expect(held.workerId).toMatch(/^.+:\d+$/);
    const observer = cores.find((c) => c !== holder)!;
    expect((await drillWorkers(observer)).workers.find((w) => w.pid === holder!.child.pid)?.drillsRunning).toBe(1);

    await holder!.kill9();
    const killedAt = Date.now();

    // Another live process claims it (a new workerId) within the lease and stalled interval.
    const taken = await waitFor(async () => {
      const d = await drillRow(drillId);
      return d.status === "running" && d.workerId !== held.workerId ? d : null;
    }, { timeoutMs: 2 * LEASE_S * 1000 + 30_000, intervalMs: 100, what: "another process taking the drill over" });
    const takeoverMs = Date.now() - killedAt;
    const taker = processes.find((p) => p.child.pid === workerPid(taken.workerId!));
    expect(taker?.alive(), `taken over by ${taken.workerId}`).toBe(true);
    expect(takeoverMs).toBeLessThanOrEqual(2 * LEASE_S * 1000 + 2_000);

    // The killed worker drops out of /healthz within three beats (its lease: LEASE_S).
    await waitFor(async () => ((await drillWorkers(observer)).workers.some((w) => w.pid === holder!.child.pid) ? null : true), {
      timeoutMs: LEASE_S * 1000 + 3_000,
      intervalMs: 200,
      what: "the killed worker gone from /healthz",
    });

    const done = await waitFor(async () => {
      const d = (await api(observer, "GET", `/api/v1/drills/${drillId}`)).body;
      return d.status === "queued" || d.status === "running" ? null : d;
    }, { timeoutMs: 60_000, intervalMs: 250, what: "the drill to finish" });
    const finishedMs = Date.now() - killedAt;
    expect(done.status, JSON.stringify(done).slice(0, 2_000)).toBe("passed");
    expect(done.workerId).toBe(taken.workerId); // the API names the process that ran it
    expect(done.report.assertions).toEqual([expect.objectContaining({ passed: true })]);

    // One Drill row for the manual drill (the first drill besides), none left queued or running.
    const rows = await drillRows(project.id);
    expect(rows.map((d) => [d.trigger, d.status])).toEqual([
      ["first", "passed"],
      ["manual", "passed"],
    ]);
    expect(rows[1].attempts).toBe(2);

    // The counts of a plain `litestream restore` of the same replica.
    const restored = path.join(dir.path, "restored.sqlite3");
    await restore({ replica: { type: "file", path: replica } }, { outputPath: restored, timeoutMs: 30_000, bin: resolveLitestreamBinFor(testLitestreamLine()) });
    expect(countRows(restored, "events")).toBe(ROWS);
    expect(done.report.tables).toEqual(tableCounts(restored));

    console.log(JSON.stringify({ holder: holder!.name, taker: taker!.name, takeoverMs, finishedMs, attempts: rows[1].attempts }));
  }, 150_000);
});
