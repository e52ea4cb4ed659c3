// Control plane at scale (issue 18): one real `borela serve` on SQLite with N projects (default 10,000)
// written straight into its store, one heartbeat each, then 333 heartbeats/s (10,000 agents at the
// default 30 s interval) for --duration seconds (default 60) over loopback while GET /api/v1/projects?limit=100
// (the overview's first page) is polled. Reports heartbeat p50/p99, the longest event-loop stall (from /healthz?details=true),
// list p95 and RSS (the stall of the 20 s after the first heartbeats, when every project turns fresh, apart
// as settleStallMs); the baseline is heartbeat p99 at the same rate with 20 projects.
// --silence: then stops every heartbeat and reports, while all N projects go silent, /healthz p99,
// the longest stall and how long until the list shows every project silent.
//
// --bundle: runs `borela serve` from the esbuild bundle the image ships (scripts/bundle-core.mjs), not through
// tsx from the sources: what a user of the image runs (tsx keeps its transpiler and every module's source
// and source map in memory: ~45 MB more RSS). The JSON says which (`runtime`).
//
//   npm run bench -- control-plane [--projects N] [--silence] [--duration S] [--rate R] [--bundle]
// The last line is one JSON object.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";

const root = path.resolve(import.meta.dirname, "..");

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(process.argv[i + 1])}`);
  return v;
}
const PROJECTS = Math.floor(option("projects", 10_000));
const DURATION = option("duration", 60);
const RATE = option("rate", 333);
const SILENCE = process.argv.includes("--silence");
const BUNDLE = process.argv.includes("--bundle");
const BASELINE_PROJECTS = 20;
const BASELINE_SECONDS = Math.min(DURATION, 20);
// Projects get 600 s of heartbeat grace: on a busy 2-core machine the first heartbeat of all 10,000 can
// take longer than the default 120 s, and a mass silence during setup (a known freeze: issue 18) would be
// measured instead of the load. --silence lowers it to SILENCE_GRACE_SECONDS when the agents stop.
const GRACE_SECONDS = 600;
const SILENCE_GRACE_SECONDS = 30;
const MAX_OUTSTANDING = 2_000;
const ADMIN = "bradm_bench_control_plane_admin";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const storeTime = (d) => d.toISOString().replace("Z", "+00:00");
const pct = (xs, p) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};

function heartbeatBody(i) {
  const now = new Date().toISOString();
  const position = { generation: "0123456789abcdef", index: 12, offset: 4096 + (i % 1000) };
  return JSON.stringify({
    agentVersion: "bench",
    litestreamVersion: "v0.3.13",
    sentAt: now,
    databases: [
      {
        name: "app",
        path: "/data/app.sqlite3",
        exists: true,
        sizeBytes: 1_048_576,
        walBytes: 4096,
        position,
        // A replica the core holds no credentials for: no automatic drills run during the bench.
        replicas: [{ type: "s3", url: "s3://bench-bucket/app", generation: "0123456789abcdef", position, pendingSince: null, lastSnapshotAt: now, lastWalAt: now, storageBytes: 2_000_000, lastError: null }],
        errors: [],
      },
    ],
    errors: [],
  });
}

// BENCH_CORE_NODE_ARGS: extra node arguments for the measured core only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
// (the profile is written when the core exits on the SIGTERM at the end).
const CORE_NODE_ARGS = (process.env.BENCH_CORE_NODE_ARGS ?? "").split(" ").filter(Boolean);

/** The bundled CLI in a temp dir laid out as the image is (the assets it reads and node_modules beside it); its entry. */
async function bundledCli(dir) {
  const { bundleCore, CORE_ASSETS } = await import(path.join(root, "scripts", "bundle-core.mjs"));
  await bundleCore(dir);
  for (const rel of ["node_modules", ...CORE_ASSETS]) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    try {
      symlinkSync(path.join(root, rel), path.join(dir, rel));
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
    }
  }
  return path.join(dir, "core", "bin", "borela.js");
}

let cli = path.join(root, "core", "bin", "borela.js");

function startCore(dataDir, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, cli, "serve", "--port", "0"], {
    cwd: root,
    env: { ...process.env, BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: ADMIN, BORELA_RATE_LIMIT_PER_MINUTE: "10000000", BORELA_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const warnings = [];
  return new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d.toString();
      for (const line of d.toString().split("\n")) if (/event loop stalled/.test(line)) warnings.push(line.slice(0, 300));
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/i.exec(out);
      if (m) resolve({ child, url: m[1], warnings, output: () => out });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`borela serve exited ${code} before listening:\n${out.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`borela serve not listening after 60 s:\n${out.slice(-2000)}`)), 60_000).unref();
  });
}

/** Writes `count` projects with one agent token each straight into the core's SQLite file; returns the tokens. */
function createProjects(dataDir, count) {
  const db = new Sqlite(path.join(dataDir, "borela.db"));
  db.pragma("busy_timeout = 10000");
  const now = storeTime(new Date());
  const project = db.prepare(
    `INSERT INTO "Project" (id, name, drillSchedule, heartbeatGraceSeconds, badgeKey, pingKey, storagePrefix, statusSince, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const token = db.prepare(`INSERT INTO "AgentToken" (id, projectId, hash, hint, createdAt) VALUES (?, ?, ?, ?, ?)`);
  const tokens = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `bench${String(i).padStart(6, "0")}${randomBytes(4).toString("hex")}`;
      // Weekly drills spread over the week, as the API's default schedule does.
      project.run(id, `bench-${i}`, `${i % 60} ${i % 24} * * ${i % 7}`, GRACE_SECONDS, randomBytes(18).toString("base64url"), randomBytes(18).toString("hex"), `bench-${i}`, now, now, now);
      const secret = `bra_${randomBytes(24).toString("base64url")}`;
      token.run(`t${id}`, id, createHash("sha256").update(secret).digest("hex"), `bra_…${secret.slice(-4)}`, now);
      tokens.push(secret);
    }
  })();
  db.close();
  return tokens;
}

async function timed(url, init) {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { status: res.status, ms: performance.now() - t0, bytes: body.length, body };
}

const heartbeat = (url, token, i) =>
  timed(`${url}/api/v1/heartbeats`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: heartbeatBody(i) });

/** One heartbeat per token, `concurrency` at a time; returns how many were not accepted. */
async function oneEach(url, tokens, concurrency = 32) {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) {
        const i = next++;
        const r = await heartbeat(url, tokens[i], i).catch(() => ({ status: 0 }));
        if (r.status !== 201 && r.status !== 200) failed++;
      }
    }),
  );
  return failed;
}

/** Open-loop load: `rate` heartbeats a second for `seconds`, round-robin over the tokens. */
async function drive(url, tokens, rate, seconds) {
  const latencies = [];
  let sent = 0;
  let failed = 0;
  let skipped = 0;
  let outstanding = 0;
  const start = performance.now();
  const pending = new Set();
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (sent < due) {
      const i = sent++;
      if (outstanding >= MAX_OUTSTANDING) {
        skipped++;
        continue;
      }
      outstanding++;
      const p = heartbeat(url, tokens[i % tokens.length], i)
        .then((r) => {
          if (r.status === 201 || r.status === 200) latencies.push(r.ms);
          else failed++;
        })
        .catch(() => failed++)
        .finally(() => {
          outstanding--;
          pending.delete(p);
        });
      pending.add(p);
    }
    await sleep(5);
  }
  await Promise.race([Promise.all(pending), sleep(60_000)]);
  return { latencies, sent, failed, skipped };
}

/** Polls `fn` every `everyMs` until stop() (sequentially: one request at a time). */
function poller(fn, everyMs) {
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      await fn().catch(() => undefined);
      await sleep(everyMs);
    }
  })();
  return { stop: () => ((stopped = true), done) };
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : null;
}

const auth = { authorization: `Bearer ${ADMIN}` };
const dirs = [];
const children = [];
try {
  if (BUNDLE) {
    const dir = mkdtempSync(path.join(tmpdir(), "borela-bench-cp-bundle-"));
    dirs.push(dir);
    cli = await bundledCli(dir);
  }
  // Baseline: the same rate against 20 projects.
  const baseDir = mkdtempSync(path.join(tmpdir(), "borela-bench-cp-base-"));
  dirs.push(baseDir);
  const base = await startCore(baseDir);
  children.push(base.child);
  const baseTokens = createProjects(baseDir, BASELINE_PROJECTS);
  await oneEach(base.url, baseTokens);
  const baseline = await drive(base.url, baseTokens, RATE, BASELINE_SECONDS);
  base.child.kill("SIGTERM");
  const baselineP99 = pct(baseline.latencies, 99);
  console.log(`baseline (${BASELINE_PROJECTS} projects, ${RATE}/s for ${BASELINE_SECONDS} s): heartbeat p50 ${pct(baseline.latencies, 50)} ms, p99 ${baselineP99} ms`);

  const dataDir = mkdtempSync(path.join(tmpdir(), "borela-bench-cp-"));
  dirs.push(dataDir);
  const core = await startCore(dataDir, CORE_NODE_ARGS);
  children.push(core.child);
  let t0 = performance.now();
  const tokens = createProjects(dataDir, PROJECTS);
  console.log(`${PROJECTS} projects written to the store in ${Math.round(performance.now() - t0)} ms`);
  t0 = performance.now();
  const firstFailed = await oneEach(core.url, tokens);
  const firstSeconds = (performance.now() - t0) / 1000;
  console.log(`one heartbeat each: ${firstSeconds.toFixed(1)} s (${firstFailed} not accepted)`);

  // Two event-loop windows for the sweeps that turn every project fresh; their longest stall is reported apart.
  // /healthz's maxMs covers the open window and the closed one before it (up to 20 s back): read it again
  // after two more windows, so the load's first readings do not carry the settling's stalls.
  const settleStalls = [];
  for (let i = 0; i < 2; i++) {
    await sleep(20_000);
    const settle = await timed(`${core.url}/healthz?details=true`);
    if (settle.status === 200) settleStalls.push(JSON.parse(settle.body).details.eventLoop.maxMs);
  }
  const settleStallMs = settleStalls.length ? Math.max(...settleStalls) : null;

  const stalls = [];
  const healthTimes = [];
  const listTimes = [];
  let listBytes = 0;
  let listErrors = 0;
  let rssMax = 0;
  const health = poller(async () => {
    const r = await timed(`${core.url}/healthz?details=true`);
    healthTimes.push(r.ms);
    if (r.status === 200) stalls.push(JSON.parse(r.body).details.eventLoop.maxMs);
    rssMax = Math.max(rssMax, rssMb(core.child.pid) ?? 0);
  }, 1_000);
  const list = poller(async () => {
    // The overview's poll: the first page of 100, worst first, with the summary.
    const r = await timed(`${core.url}/api/v1/projects?limit=100`, { headers: auth });
    if (r.status === 200) {
      listTimes.push(r.ms);
      listBytes = r.bytes;
    } else listErrors++;
  }, 2_000);
  const load = await drive(core.url, tokens, RATE, DURATION);
  await list.stop();
  await health.stop();
  const result = {
    bench: "control-plane",
    value: pct(load.latencies, 99),
    unit: "ms",
    projects: PROJECTS,
    heartbeatP50Ms: pct(load.latencies, 50),
    heartbeatP99Ms: pct(load.latencies, 99),
    eventLoopMaxStallMs: stalls.length ? Math.max(...stalls) : null,
    listP95Ms: pct(listTimes, 95),
    listP50Ms: pct(listTimes, 50),
    listBytes,
    listErrors,
    rssMb: rssMax,
    store: "sqlite",
    runtime: BUNDLE ? "bundle" : "tsx",
    baseline: baselineP99,
    baselineProjects: BASELINE_PROJECTS,
    ratio: baselineP99 && pct(load.latencies, 99) ? Number((baselineP99 / pct(load.latencies, 99)).toFixed(3)) : null,
    rate: RATE,
    durationSeconds: DURATION,
    heartbeatsSent: load.sent,
    heartbeatsFailed: load.failed,
    heartbeatsSkipped: load.skipped,
    overOneSecondPercent: Number(((100 * load.latencies.filter((x) => x > 1000).length) / Math.max(1, load.latencies.length)).toFixed(2)),
    firstHeartbeatsSeconds: Number(firstSeconds.toFixed(1)),
    settleStallMs,
    healthzP99Ms: pct(healthTimes, 99),
    stallWarnings: core.warnings.length,
  };

  if (SILENCE) {
    // Every agent stops now; each project turns silent once its grace passes (plus the sweep interval).
    const db = new Sqlite(path.join(dataDir, "borela.db"));
    db.pragma("busy_timeout = 10000");
    db.prepare(`UPDATE "Project" SET "heartbeatGraceSeconds" = ?`).run(SILENCE_GRACE_SECONDS);
    db.close();
    const silenceStart = performance.now();
    const sStalls = [];
    const sHealth = [];
    let allSilentSeconds = null;
    const h = poller(async () => {
      const r = await timed(`${core.url}/healthz?details=true`);
      sHealth.push(r.ms);
      if (r.status === 200) sStalls.push(JSON.parse(r.body).details.eventLoop.maxMs);
      rssMax = Math.max(rssMax, rssMb(core.child.pid) ?? 0);
    }, 500);
    const limit = (SILENCE_GRACE_SECONDS + 150) * 1000;
    while (performance.now() - silenceStart < limit) {
      const r = await timed(`${core.url}/api/v1/projects?limit=1`, { headers: auth });
      if (r.status === 200 && JSON.parse(r.body).summary.statuses.silent === PROJECTS) {
        allSilentSeconds = Number(((performance.now() - silenceStart) / 1000).toFixed(1));
        break;
      }
      await sleep(2_000);
    }
    await sleep(20_000); // the sweeps after the mass transition
    await h.stop();
    Object.assign(result, {
      silence: true,
      silenceGraceSeconds: SILENCE_GRACE_SECONDS,
      silenceAllSilentSeconds: allSilentSeconds,
      silenceHealthzP99Ms: pct(sHealth, 99),
      silenceHealthzMaxMs: pct(sHealth, 100),
      silenceEventLoopMaxStallMs: sStalls.length ? Math.max(...sStalls) : null,
      rssMb: rssMax,
    });
  }
  core.child.kill("SIGTERM");
  // A profiled core writes its profile on the way out.
  if (CORE_NODE_ARGS.length > 0 && core.child.exitCode === null) await Promise.race([new Promise((r) => core.child.once("exit", r)), sleep(60_000)]);
  console.log(
    `${PROJECTS} projects, ${RATE} heartbeats/s for ${DURATION} s: heartbeat p50 ${result.heartbeatP50Ms} ms, p99 ${result.heartbeatP99Ms} ms; ` +
      `longest stall ${result.eventLoopMaxStallMs} ms; list p95 ${result.listP95Ms} ms (${listBytes} bytes); RSS ${result.rssMb} MB`,
  );
  for (const w of core.warnings.slice(0, 5)) console.log(`core: ${w}`);
  console.log(JSON.stringify(result));
} finally {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
// Heartbeats still in flight to the stopped core (and fetch's keep-alive sockets) would hold the process open.
process.exit(0);
