// Issue 20 item 1: BORELA_DATABASE_URL=postgresql://… runs `borela serve` (the real CLI, a child process)
// on PostgreSQL end to end, and the same body runs on the embedded SQLite store. A project created through
// the API turns fresh on heartbeats through the real HTTP route; the heartbeats stop and it turns silent
// with one open incident and one alert to a loopback webhook; the project list and detail answer; a
// restart keeps all of it (and sends nothing again); `borela drill list --data-dir` reads the same store and
// `borela worker` writes a drill's outcome into it. On PostgreSQL the data dir holds no borela.db and no
// data dir lock: /healthz?details=true says which store answers.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BORELA_BIN, cleanEnv, runBorela } from "../support/borela-cli.ts";
import { heartbeat } from "../support/core-server.ts";
import { adminApi } from "../support/admin-api.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { startRedis, type RedisServer } from "../support/redis.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { sleep, waitFor } from "../support/wait-for.ts";

const ADMIN = "bradm_postgres_core_e2e";
const TICK_MS = 2_000; // alerts/dispatcher.ts DEFAULT_TICK_MS

interface Hook {
  event: string;
  kind: string;
}

let cluster: PostgresCluster;
let redis: RedisServer;
let hooks: Hook[] = [];
let receiver: http.Server;
let receiverUrl: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [cluster, redis] = await Promise.all([startPostgres(), startRedis()]);
  receiver = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      hooks.push(JSON.parse(body) as Hook);
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  await Promise.all([cluster?.stop(), redis?.stop()]);
});

interface Core {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** `borela serve` as a user runs it; resolves once it listens (40 s at most). */
function serve(env: NodeJS.ProcessEnv): Promise<Core> {
  const child = spawn(process.execPath, [BORELA_BIN, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`borela serve did not listen within 40 s:\n${out}`)), 40_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`borela serve exited with ${code} before listening:\n${out}`));
    });
  });
}

async function stop(core: Core): Promise<number | null> {
  if (core.child.exitCode !== null) return core.child.exitCode;
  const exited = new Promise<number | null>((resolve) => core.child.once("exit", (code) => resolve(code)));
  core.child.kill("SIGTERM");
  return exited;
}

const api = adminApi(ADMIN);

/** Heartbeats every 500 ms through POST /api/v1/heartbeats until stop() (at most 2 minutes). */
function agentUp(core: Core, agentToken: string): { stop(): Promise<void> } {
  let running = true;
  let sequence = 0;
  const loop = (async () => {
    for (let i = 0; running && i < 240; i++) {
      const res = await api(core, "POST", "/api/v1/heartbeats", heartbeat({ sequence: sequence++, agentId: "agent-1" }), agentToken);
      if (res.status !== 201) throw new Error(`heartbeat answered ${res.status}: ${JSON.stringify(res.body)}`);
      await sleep(500);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

const silentHooks = (event: string) => hooks.filter((h) => h.kind === "silent" && h.event === event);

describe.each([["postgresql"], ["sqlite"]] as const)("borela serve on %s", (kind) => {
  let dir: TmpDir;
  beforeAll(async () => {
    dir = await tmpDir(`borela-${kind}-core-`);
    hooks = [];
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it("a project turns fresh on heartbeats, silent with one incident and one alert when they stop, and a restart keeps it all", async () => {
    const databaseUrl = kind === "postgresql" ? await cluster.createDatabase("borela_e2e") : "";
    const env = {
      ...cleanEnv(),
      BORELA_DATA_DIR: dir.path,
      BORELA_PORT: "0",
      BORELA_HOST: "127.0.0.1",
      BORELA_DATABASE_URL: databaseUrl,
      BORELA_ADMIN_TOKEN: ADMIN,
      BORELA_SECRET_KEY: "postgres-core-e2e-secret-key-0123456789",
      BORELA_SWEEP_INTERVAL_SECONDS: "1",
      BORELA_ALERT_CONFIRM_SECONDS: "0",
      BORELA_ALERT_RETRY_SECONDS: "1",
      BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true",
      BORELA_LOG_LEVEL: "warn",
    };
    let core = await serve(env);
    expect(existsSync(path.join(dir.path, "borela.db"))).toBe(kind === "sqlite");
    expect(existsSync(path.join(dir.path, "serve.lock"))).toBe(kind === "sqlite");

    const created = await api(core, "POST", "/api/v1/projects", { name: "shop", heartbeatGraceSeconds: 3 });
    expect(created.status).toBe(201);
    const project = created.body as { id: string; agentToken: string };
    expect((await api(core, "POST", "/api/v1/alert-channels", { projectId: project.id, type: "webhook", target: receiverUrl })).status).toBe(201);

    const agent = agentUp(core, project.agentToken);
    const fresh = await waitFor(async () => ((await api(core, "GET", `/api/v1/projects/${project.id}`)).body.status === "fresh" ? true : null), { timeoutMs: 20_000, what: "the project fresh" });
    expect(fresh).toBe(true);
    await agent.stop();

    await waitFor(async () => ((await api(core, "GET", `/api/v1/projects/${project.id}`)).body.status === "silent" ? true : null), { timeoutMs: 20_000, what: "the project silent" });
    await waitFor(() => silentHooks("opened").length >= 1 || null, { timeoutMs: 20_000, what: "the silent alert" });
    await sleep(2 * TICK_MS); // a second send would have gone by now

    const check = async (c: Core) => {
      const incidents = (await api(c, "GET", `/api/v1/projects/${project.id}/incidents?open=true`)).body as { kind: string }[];
      expect(incidents.map((i) => i.kind)).toEqual(["silent"]);
      const list = await api(c, "GET", "/api/v1/projects?limit=100");
      expect(list.status).toBe(200);
      expect(list.body.projects.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([["shop", "silent"]]);
      expect(list.body.matched).toBe(1);
      const detail = await api(c, "GET", `/api/v1/projects/${project.id}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ id: project.id, name: "shop", status: "silent" });
      expect(detail.body.databases.map((d: { name: string }) => d.name)).toEqual(["app"]);
      const health = await api(c, "GET", "/healthz?details=true");
      expect(health.body.details?.store, JSON.stringify(health.body)).toBe(kind);
      expect(JSON.stringify(health.body)).not.toContain("postgresql://");
      expect(silentHooks("opened")).toHaveLength(1);
      expect(hooks).toHaveLength(1);
    };
    await check(core);
    if (kind === "postgresql") {
      // No data dir lock on PostgreSQL: a second core on the same data dir and store starts and answers the same.
      const peer = await serve(env);
      await check(peer);
      // Failed logins are counted in the shared store's AuthWindow table (server/auth-state/), not in one core's memory.
      expect((await api(peer, "GET", "/api/v1/incidents", undefined, "bradm_wrong_token")).status).toBe(401);
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query<{ key: string; count: number }>(`SELECT "key", "count" FROM "AuthWindow" WHERE "key" LIKE 'fail:%'`);
        expect(rows).toEqual([{ key: "fail:127.0.0.1", count: 1 }]);
      } finally {
        await db.end();
      }
      expect(await stop(peer)).toBe(0);
    }

    expect(await stop(core)).toBe(0);
    core = await serve(env);
    await sleep(3 * 1000 + 2 * TICK_MS); // sweeps and alert ticks of the restarted core
    await check(core);
    // The stored agent token still authenticates after the restart.
    expect((await api(core, "POST", "/api/v1/heartbeats", heartbeat({ sequence: 10_000, agentId: "agent-1" }), project.agentToken)).status).toBe(201);
    expect(await stop(core)).toBe(0);

    // A CLI command on the store itself (commands/local-store.ts) reads the same projects.
    const listed = await runBorela(["drill", "list", "shop", "--data-dir", dir.path], { env, timeoutMs: 60_000 });
    expect(listed.code, listed.stderr).toBe(0);
    const missing = await runBorela(["drill", "list", "nosuch", "--data-dir", dir.path], { env, timeoutMs: 60_000 });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("(projects: shop)");

    // `borela worker` on the same store takes a drill queued by the CLI through Redis (with no core running):
    // the replica is outside BORELA_FILE_REPLICA_ROOTS, so the drill ends refused, written by the worker.
    const withRedis = { ...env, BORELA_REDIS_URL: redis.url };
    const worker = spawn(process.execPath, [BORELA_BIN, "worker"], { env: withRedis, stdio: ["ignore", "pipe", "pipe"] });
    children.push(worker);
    let workerOut = "";
    worker.stderr!.on("data", (d: Buffer) => (workerOut += d.toString()));
    worker.stdout!.on("data", (d: Buffer) => (workerOut += d.toString()));
    await waitFor(() => workerOut.includes("processing drills") || null, { timeoutMs: 40_000, what: "the worker" });
    const drilled = await runBorela(["drill", "run", "shop", "--data-dir", dir.path, "--wait"], { env: withRedis, timeoutMs: 90_000 });
    expect(drilled.stdout + drilled.stderr).toMatch(/queued 1 drill\(s\) for shop/);
    const after = await runBorela(["drill", "list", "shop", "--data-dir", dir.path], { env, timeoutMs: 60_000 });
    expect(after.stdout, drilled.stdout + drilled.stderr + workerOut).toMatch(/ app +failed +.*outside BORELA_FILE_REPLICA_ROOTS/);
    const workerExit = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
    worker.kill("SIGTERM");
    expect(await workerExit).toBe(0);
  }, 180_000);
});
