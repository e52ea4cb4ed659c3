// docs/compose/ha.yml for real (issue 20: the HA set-up a user copies), under Debian's docker-compose 1.29 on
// the suite's engine (host networking only: compose creates no network). The file runs unchanged from docs/:
// its Borela services (core-a, core-b, worker: image, command, environment, volumes, healthchecks) are
// started with `up --no-deps`, the .env it asks for is written by the test (`--env-file`).
// The one departure: postgres:17 and redis:7 cannot be pulled here, so `--no-deps` skips the file's postgres
// and redis services and the test starts Debian's PostgreSQL and redis-server at the addresses the file names
// (127.0.0.1:5432, role/database `borela` with POSTGRES_PASSWORD, password auth on; 127.0.0.1:6379). When
// those ports (or the cores' 8787/8788) are taken the test fails saying so.
// The replica is bring-your-own S3 (fauxqs on loopback, its keys stored for the project through the API):
// the worker reads it with nothing mounted, as docs/scaling.md says.
//   1. core-a starts first (it holds the sweep lease), then core-b; both cores and the worker turn healthy by compose's checks.
//   2. A project created at core-a is listed at core-b; a real `borela agent` on the host heartbeats to core-a
//      and core-b sees it fresh; the agent stops and core-b sees it silent, with one incident.
//   3. `docker kill` core-a: core-b answers /healthz and takes over the sweep; a drill queued through core-b
//      runs in the worker container (passed, the counts of a plain `litestream restore`).
// Then `docker-compose down -v`.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { restore } from "../../core/src/litestream/commands.ts";
import { resolveLitestreamBinFor } from "../../core/src/litestream/binary.ts";
import { countRows, createDatabase } from "../../core/test/litestream/live.ts";
import { s3Env, s3ReplicaUrl } from "../../core/test/agent/harness.ts";
import { startAgentProcess, type ChildHandle } from "../../core/test/support/core-process.ts";
import { buildBorelaImage } from "../../core/test/support/docker.ts";
import { testLitestreamLine } from "../../core/test/support/litestream-line.ts";
import { postgresBinDir } from "../../core/test/support/postgres.ts";
import { startS3, type S3Server } from "../../core/test/support/s3.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { requireFreePort, startPostgresAt, startRedisAt, type FixedStore } from "./fixed-stores.ts";

const root = path.resolve(import.meta.dirname, "../..");
const FILE = path.join(root, "docs/compose/ha.yml");
const PROJECT = `borela-ha-${process.pid}`;
const CORE_A = "http://127.0.0.1:8787";
const CORE_B = "http://127.0.0.1:8788";
const ROWS = 200;
const doc = parse(readFileSync(FILE, "utf8"), { merge: true }) as { services: Record<string, { healthcheck?: { test?: string[] } }> };
const DOT_ENV = {
  POSTGRES_PASSWORD: `pw${randomBytes(12).toString("hex")}`,
  BORELA_SECRET_KEY: randomBytes(32).toString("hex"),
  BORELA_ADMIN_TOKEN: `bradm_${randomBytes(16).toString("hex")}`,
  BORELA_PUBLIC_URL: "https://borela.example.com",
};

let dir: TmpDir;
let postgres: FixedStore | undefined;
let redis: FixedStore | undefined;
let s3: S3Server;
let agent: ChildHandle | undefined;
let envFile = "";
let composed = false;
let networksBefore = "";

function compose(...args: string[]): string {
  const r = spawnSync("docker-compose", ["-p", PROJECT, "--env-file", envFile, "-f", FILE, ...args], { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`docker-compose ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: "utf8", timeout: 60_000 }).trim();
const container = (service: string) => compose("ps", "-q", service).trim();
const inspect = (id: string, format: string) => sh("docker", "inspect", "--format", format, id);
// docker-compose 1.29's project name as it labels containers and volumes (lower case, [a-z0-9_-] kept).
const composeName = () => PROJECT.toLowerCase().replace(/[^a-z0-9_-]/g, "");
const networks = () => sh("docker", "network", "ls", "--format", "{{.Name}}").split("\n").sort().join(",");

beforeAll(async () => {
  buildBorelaImage();
  execFileSync("bash", ["-c", "command -v docker-compose >/dev/null || (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null)"]);
  for (const [port, what] of [[8787, "core-a"], [8788, "core-b"]] as const) await requireFreePort(port, what);
  dir = await tmpDir("borela-ha-compose-");
  envFile = path.join(dir.path, ".env");
  writeFileSync(envFile, Object.entries(DOT_ENV).map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });
  [postgres, redis, s3] = await Promise.all([
    startPostgresAt(5432, { user: "borela", database: "borela", password: DOT_ENV.POSTGRES_PASSWORD }),
    startRedisAt(6379),
    startS3(),
  ]);
  await s3.createBucket("backups");
  networksBefore = networks();
}, 900_000);

afterAll(async () => {
  await agent?.kill9();
  if (composed) spawnSync("docker-compose", ["-p", PROJECT, "--env-file", envFile, "-f", FILE, "down", "-v", "--timeout", "10"], { stdio: "ignore", timeout: 90_000 });
  await Promise.all([postgres?.stop(), redis?.stop(), s3?.stop()]);
  await dir?.remove();
}, 120_000);

async function api(base: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${DOT_ENV.BORELA_ADMIN_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

type Lease = { name: string; holder: string | null; lastRunAt: string | null; lastRunBy: string | null; runs: number };
async function sweepLease(base: string): Promise<Lease | null> {
  const res = await api(base, "GET", "/healthz?details=true").catch(() => null);
  return (res?.body?.details?.leases as Lease[] | undefined)?.find((l) => l.name === "sweep") ?? null;
}

async function projectAt(base: string, id: string): Promise<any> {
  return (await api(base, "GET", `/api/v1/projects/${id}`)).body;
}

describe("docs/compose/ha.yml under docker-compose", () => {
  it("two cores and a worker share one store: fresh, silent, a core killed, a drill on the worker", async () => {
    onTestFailed(() => {
      for (const service of ["core-a", "core-b", "worker"]) {
        const r = spawnSync("docker-compose", ["-p", PROJECT, "--env-file", envFile, "-f", FILE, "logs", "--tail", "60", service], { encoding: "utf8", timeout: 30_000 });
        console.log(`--- ${service}:\n${r.stdout}${r.stderr}`);
      }
      if (agent) console.log(`--- agent:\n${agent.output().slice(-4000)}`);
    });
    // The stand-ins answer the file's own store healthchecks (the same argv, Debian's pg_isready and redis-cli).
    for (const service of ["postgres", "redis"]) {
      const [cmd, ...args] = (doc.services[service].healthcheck?.test ?? []).slice(1);
      expect(sh(cmd === "pg_isready" ? path.join(postgresBinDir(), cmd) : cmd, ...args)).toMatch(/accepting connections|PONG/);
    }
    composed = true;
    compose("up", "-d", "--no-deps", "core-a", "worker");
    const held = await waitFor(async () => ((await sweepLease(CORE_A))?.holder ? await sweepLease(CORE_A) : null), { timeoutMs: 60_000, intervalMs: 500, what: "core-a to hold the sweep lease" });
    compose("up", "-d", "--no-deps", "core-b");
    const ids = { a: container("core-a"), b: container("core-b"), worker: container("worker") };
    // Compose's own healthchecks (30 s interval, 30 s start period, as the file says).
    const healthy = (id: string) => inspect(id, "{{.State.Health.Status}}") === "healthy";
    await waitFor(() => (healthy(ids.a) && healthy(ids.b) && healthy(ids.worker)) || null, {
      timeoutMs: 90_000,
      intervalMs: 1_000,
      what: "core-a, core-b and the worker healthy by their compose healthchecks",
    });
    expect((await api(CORE_B, "GET", "/healthz?details=true")).body.details.store).toBe("postgresql");

    // A project made at core-a is core-b's too; its bring-your-own S3 keys are stored through core-a.
    const project = (await api(CORE_A, "POST", "/api/v1/projects", { name: "ha-compose", heartbeatGraceSeconds: 3 })).body;
    expect(project.id).toBeTruthy();
    const stored = await api(CORE_A, "PUT", `/api/v1/projects/${project.id}/storage-credentials`, {
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      bucket: "backups",
      endpoint: s3.endpoint,
    });
    expect(stored.status).toBe(204);
    const listed = (await api(CORE_B, "GET", "/api/v1/projects")).body;
    const summaries = (Array.isArray(listed) ? listed : listed.projects) as { id: string; name: string }[];
    expect(summaries.map((p) => [p.id, p.name])).toEqual([[project.id, "ha-compose"]]);

    // A real agent on the host heartbeats to core-a; core-b judges it fresh.
    const file = path.join(dir.path, "app.sqlite3");
    createDatabase(file, ROWS);
    const line = testLitestreamLine();
    const replicaPath = "ha-compose/app";
    agent = await startAgentProcess("agent", {
      BORELA_SERVER: CORE_A,
      BORELA_AGENT_TOKEN: project.agentToken,
      BORELA_DATABASES: file,
      BORELA_REPLICA_URL: s3ReplicaUrl(s3, "backups", replicaPath),
      BORELA_HEARTBEAT_INTERVAL_SECONDS: "1",
      BORELA_SAMPLE_INTERVAL_SECONDS: "1",
      BORELA_LITESTREAM_SYNC_INTERVAL: "200ms",
      BORELA_AGENT_STATE_DIR: path.join(dir.path, "agent-state"),
      BORELA_LITESTREAM_VERSION: line,
      ...s3Env(s3),
    });
    await waitFor(async () => {
      const p = await projectAt(CORE_B, project.id);
      return p.status === "fresh" && p.storageBytes > 0 ? p : null;
    }, { timeoutMs: 60_000, intervalMs: 1_000, what: "core-b to see the project fresh" });

    // The agent stops: silent within the 3 s grace and the file's 15 s sweep, one incident.
    await agent.stop();
    agent = undefined;
    await waitFor(async () => ((await projectAt(CORE_B, project.id)).status === "silent" ? true : null), { timeoutMs: 60_000, intervalMs: 1_000, what: "core-b to see the project silent" });
    const incidents = (await api(CORE_B, "GET", `/api/v1/projects/${project.id}/incidents`)).body as { kind: string; open: boolean }[];
    expect(incidents.map((i) => [i.kind, i.open])).toEqual([["silent", true]]);

    // core-a dies; core-b keeps answering, takes the sweep over, and its drill runs in the worker container.
    const before = (await sweepLease(CORE_B))!;
    expect(before.holder).toBe(held.holder);
    sh("docker", "kill", ids.a);
    const killedAt = Date.now();
    const queued = await api(CORE_B, "POST", `/api/v1/projects/${project.id}/drills`, {});
    expect(queued.status).toBe(202);
    const [drill, takeover] = await Promise.all([
      waitFor(async () => {
        const d = (await api(CORE_B, "GET", `/api/v1/drills/${queued.body.id}`)).body;
        return d.status === "queued" || d.status === "running" ? null : d;
      }, { timeoutMs: 90_000, intervalMs: 1_000, what: "the drill queued through core-b to finish" }),
      // The lease runs 45 s (3 x the 15 s sweep) past core-a's last renewal; core-b sweeps at its next tick.
      waitFor(async () => {
        const l = await sweepLease(CORE_B);
        return l?.lastRunAt && Date.parse(l.lastRunAt) > killedAt && l.lastRunBy !== held.holder ? l : null;
      }, { timeoutMs: 90_000, intervalMs: 1_000, what: "core-b to complete a sweep after core-a was killed" }),
    ]);
    expect(inspect(ids.a, "{{.State.Running}}")).toBe("false");
    // Nothing crashed and came back under `restart: unless-stopped` (the worker starts beside a core still migrating).
    expect([ids.a, ids.b, ids.worker].map((id) => inspect(id, "{{.RestartCount}}"))).toEqual(["0", "0", "0"]);
    expect((await api(CORE_B, "GET", "/healthz")).status).toBe(200);
    expect(takeover.holder).not.toBe(held.holder);
    expect(drill.status, JSON.stringify(drill).slice(0, 2000)).toBe("passed");

    const restored = path.join(dir.path, "restored.sqlite3");
    await restore(
      {
        replica: {
          type: "s3",
          bucket: "backups",
          path: replicaPath,
          endpoint: s3.endpoint,
          region: s3.region,
          forcePathStyle: true,
          credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        },
      },
      { outputPath: restored, timeoutMs: 30_000, bin: resolveLitestreamBinFor(line) },
    );
    expect(countRows(restored, "events")).toBe(ROWS);
    expect(drill.report.tables.events).toBe(countRows(restored, "events"));

    // The drill ran in the worker container: the pid in its workerId (<host>:<pid>) runs `borela worker` there.
    const db = new pg.Client({ connectionString: `postgresql://borela:${DOT_ENV.POSTGRES_PASSWORD}@127.0.0.1:5432/borela` });
    await db.connect();
    const workerId = (await db.query(`SELECT "workerId" FROM "Drill" WHERE id = $1`, [queued.body.id]).finally(() => db.end())).rows[0].workerId as string;
    const pid = workerId.split(":").at(-1);
    expect(sh("docker", "exec", ids.worker, "cat", `/proc/${pid}/cmdline`).split("\0")).toContain("worker");

    expect(networks()).toBe(networksBefore);
    const volumes = () => sh("docker", "volume", "ls", "-q", "--filter", `label=com.docker.compose.project=${composeName()}`);
    expect(volumes().split("\n").map((v) => v.replace(`${composeName()}_`, "")).sort()).toEqual(expect.arrayContaining(["borela-core-a", "borela-core-b", "borela-worker"]));
    compose("down", "-v", "--timeout", "10");
    composed = false;
    expect(compose("ps", "-q").trim()).toBe("");
    expect(volumes()).toBe("");
    console.log(JSON.stringify({ sweepHolderBefore: held.holder, sweepAfterKill: takeover, takeoverSeconds: (Date.parse(takeover.lastRunAt!) - killedAt) / 1000 }));
  }, 300_000);
});
