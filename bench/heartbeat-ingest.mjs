// Heartbeat ingest: the real core vs a bare Fastify + better-sqlite3 insert
// route, both loaded with autocannon on loopback for a bounded time in the
// same run. Prints req/s, p99 and the ratio, and each process's CPU time per
// request (cpuRatio: the same comparison, less moved by other processes on a
// shared machine); the last line is one JSON object.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";

const root = path.resolve(import.meta.dirname, "..");
const DURATION = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
// Both servers take this much load, unmeasured, before the timed run: the core's one-off work as its
// projects first turn fresh (first-drill checks through Prisma, lazily compiled code) is not per heartbeat.
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const PROJECTS = 20;
// BENCH_CPU_PROF=<dir>: the core runs under `node --cpu-prof` and writes its profile there on exit.
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;

function heartbeatBody(i) {
  const now = new Date();
  return JSON.stringify({
    agentVersion: "bench",
    litestreamVersion: "v0.3.13",
    sentAt: now.toISOString(),
    databases: [
      {
        name: "app",
        path: "/data/app.sqlite3",
        exists: true,
        sizeBytes: 1_048_576 + i,
        walBytes: 4096,
        position: { generation: "0123456789abcdef", index: 12, offset: 4096 + i },
        replicas: [
          {
            type: "s3",
            url: "s3://bucket/app",
            generation: "0123456789abcdef",
            position: { generation: "0123456789abcdef", index: 12, offset: 4096 + i },
            pendingSince: null,
            lastSnapshotAt: now.toISOString(),
            lastWalAt: now.toISOString(),
            storageBytes: 2_000_000,
            lastError: null,
          },
        ],
        errors: [],
      },
    ],
    errors: [],
  });
}

function startProcess(args, env) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const onData = (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/i.exec(out);
      if (m) resolve({ child, url: m[1] });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`process exited ${code} before listening:\n${out}`)));
    setTimeout(() => reject(new Error(`not listening after 30s:\n${out}`)), 30_000).unref();
  });
}

// CPU seconds (user + system) a process has used, from /proc/<pid>/stat (fields 14, 15, in clock ticks: Linux's USER_HZ, 100).
// Per request it tells the cost apart from the machine's load, which moves req/s between runs.
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function load(url, tokens, duration = DURATION) {
  let n = 0;
  return autocannon({
    url: `${url}/api/v1/heartbeats`,
    connections: CONNECTIONS,
    duration,
    method: "POST",
    requests: [
      {
        setupRequest: (req) => {
          const i = n++;
          return {
            ...req,
            headers: { "content-type": "application/json", authorization: `Bearer ${tokens[i % tokens.length]}` },
            body: heartbeatBody(i),
          };
        },
      },
    ],
  });
}

const dirs = [];
const children = [];
try {
  // Baseline: the least a heartbeat route can do, in the same run on the same machine.
  const baseDir = mkdtempSync(path.join(tmpdir(), "borela-bench-base-"));
  dirs.push(baseDir);
  const base = await startProcess([path.join(root, "bench", "lib", "bare-insert-server.mjs")], { BENCH_DB: path.join(baseDir, "bare.db") });
  children.push(base.child);
  if (WARMUP > 0) await load(base.url, ["x"], WARMUP);
  const baseCpu0 = cpuSeconds(base.child.pid);
  const baseline = await load(base.url, ["x"]);
  const baseCpu = cpuSeconds(base.child.pid) - baseCpu0;
  base.child.kill("SIGTERM");

  const dataDir = mkdtempSync(path.join(tmpdir(), "borela-bench-core-"));
  dirs.push(dataDir);
  const adminToken = "bradm_bench_admin_token";
  const profArgs = CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(CPU_PROF_DIR)}`] : [];
  const core = await startProcess([...profArgs, path.join(root, "core", "bin", "borela.js"), "serve", "--port", "0"], {
    BORELA_DATA_DIR: dataDir,
    BORELA_ADMIN_TOKEN: adminToken,
    BORELA_RATE_LIMIT_PER_MINUTE: "10000000",
    BORELA_LOG_LEVEL: "warn",
  });
  children.push(core.child);
  const tokens = [];
  for (let i = 0; i < PROJECTS; i++) {
    const res = await fetch(`${core.url}/api/v1/projects`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: `bench-${i}` }),
    });
    tokens.push((await res.json()).agentToken);
  }
  if (WARMUP > 0) await load(core.url, tokens, WARMUP);
  const coreCpu0 = cpuSeconds(core.child.pid);
  const result = await load(core.url, tokens);
  const coreCpu = cpuSeconds(core.child.pid) - coreCpu0;
  const ok2xx = result["2xx"];
  const non2xx = result.non2xx + result.errors + result.timeouts;
  const exited = new Promise((resolve) => core.child.once("exit", resolve));
  core.child.kill("SIGTERM");
  // The profile is written as the process exits.
  if (CPU_PROF_DIR) await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);

  const value = Math.round(result.requests.average);
  const baselineValue = Math.round(baseline.requests.average);
  const cpuUs = Math.round((coreCpu * 1e6) / Math.max(1, result.requests.total));
  const baselineCpuUs = Math.round((baseCpu * 1e6) / Math.max(1, baseline.requests.total));
  console.log(`borela core: ${value} heartbeats/s, p99 ${result.latency.p99} ms, ${cpuUs} µs CPU each (${ok2xx} accepted, ${non2xx} not)`);
  console.log(`bare fastify+better-sqlite3: ${baselineValue} req/s, p99 ${baseline.latency.p99} ms, ${baselineCpuUs} µs CPU each`);
  console.log(
    JSON.stringify({
      bench: "heartbeat-ingest",
      value,
      unit: "req/s",
      p99Ms: result.latency.p99,
      baseline: baselineValue,
      baselineP99Ms: baseline.latency.p99,
      ratio: Number((value / baselineValue).toFixed(3)),
      // The same comparison by CPU time per request (baseline's / core's): less moved by other processes' load.
      cpuUsPerHeartbeat: cpuUs,
      baselineCpuUsPerRequest: baselineCpuUs,
      cpuRatio: Number((baselineCpuUs / Math.max(1, cpuUs)).toFixed(3)),
      accepted: ok2xx,
      rejected: non2xx,
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      connections: CONNECTIONS,
      projects: PROJECTS,
    }),
  );
} finally {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
