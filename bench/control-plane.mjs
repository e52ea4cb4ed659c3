// Control plane at scale (issue 18): one real `borela serve` on SQLite with N projects (default 10,000)
// written straight into its store, one heartbeat each, then 333 heartbeats/s (10,000 agents at the
// default 30 s interval) for --duration seconds (default 60) over loopback while GET /api/v1/projects?limit=100
// (the overview's first page) is polled. Reports heartbeat p50/p99, the longest event-loop stall (from /healthz?details=true),
// list p95 and RSS (the stall of the 20 s after the first heartbeats, when every project turns fresh, apart
// as settleStallMs); the baseline is heartbeat p99 at the same rate with 20 projects (with its own longest
// stall, baselineEventLoopMaxStallMs: what the machine alone costs the loop at that rate and core count).
// --silence: then stops every heartbeat and reports, while all N projects go silent, /healthz p99,
// the longest stall and how long until the list shows every project silent.
//
// --store postgres: the same on PostgreSQL (Debian's server, initdb in a temp dir on 127.0.0.1, as the tests'
// core/test/support/postgres.ts starts it), projects written through `pg`; --cores N starts N `borela serve` on
// that one store (one secret key) and spreads heartbeats and list polls over them round-robin; RSS and the
// stall are the worst core's (per core in rssMbPerCore, eventLoopMaxStallMsPerCore). SQLite takes one core.
//
// --bundle: runs `borela serve` from the esbuild bundle the image ships (scripts/bundle-core.mjs), not through
// tsx from the sources: what a user of the image runs (tsx keeps its transpiler and every module's source
// and source map in memory: ~45 MB more RSS). The JSON says which (`runtime`).
//
//   npm run bench -- control-plane [--projects N] [--silence] [--duration S] [--rate R] [--bundle] [--store sqlite|postgres] [--cores N]
// The last line is one JSON object.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { postgresStore, sqliteStore } from "./lib/control-plane-store.mjs";

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
const STORE = (() => {
  const i = process.argv.indexOf("--store");
  const v = i < 0 ? "sqlite" : process.argv[i + 1];
  if (v !== "sqlite" && v !== "postgres") throw new Error(`--store must be sqlite or postgres, got ${JSON.stringify(v)}`);
  return v;
})();
const CORES = Math.floor(option("cores", 1));
if (CORES > 1 && STORE !== "postgres") throw new Error("--cores: more than one core needs --store postgres (borela serve locks a SQLite data dir)");
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
// BENCH_CPU_PROF=<dir>: the measured run's first core alone runs under `node --cpu-prof` and writes its profile there on exit.
const CPU_PROF_ARGS = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];

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

function startCore(storeEnv, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, cli, "serve", "--port", "0"], {
    cwd: root,
    env: { ...process.env, ...storeEnv, BORELA_ADMIN_TOKEN: ADMIN, BORELA_RATE_LIMIT_PER_MINUTE: "10000000", BORELA_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const warnings = [];
  const errors = [];
  return new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d.toString();
      for (const line of d.toString().split("\n")) {
        if (/event loop stalled/.test(line)) warnings.push(line.slice(0, 300));
        else if (/"level":(50|60)/.test(line)) errors.push(line.slice(0, 600));
      }
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/i.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], warnings, errors, output: () => out });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`borela serve exited ${code} before listening:\n${out.slice(-2000)}`)));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`borela serve not listening after 60 s:\n${out.slice(-2000)}`));
    }, 60_000);
  });
}

/**
 * `count` cores on `store`, each a child process listening on loopback; the first alone until it listens
 * (it applies the store's migrations), then the others at once. Children are pushed to `children` as they start.
 */
async function startCores(store, count, children, nodeArgs = [], firstArgs = []) {
  const track = (core) => (children.push(core.child), core);
  const first = track(await startCore(store.coreEnv(0), [...nodeArgs, ...firstArgs]));
  const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => startCore(store.coreEnv(i + 1), nodeArgs).then(track)));
  return [first, ...rest];
}

async function timed(url, init) {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { status: res.status, ms: performance.now() - t0, bytes: body.length, body };
}

/** The core that heartbeat i goes to: round-robin, shifted by one each lap over the tokens so an agent's heartbeats visit every core (as behind a round-robin proxy). */
const coreFor = (urls, i, tokenCount) => urls[(i + Math.floor(i / tokenCount)) % urls.length];

const heartbeat = (url, token, i) =>
  timed(`${url}/api/v1/heartbeats`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: heartbeatBody(i) });

/** One heartbeat per token, `concurrency` at a time, spread over the cores as coreFor does; returns how many were not accepted. */
async function oneEach(urls, tokens, concurrency = 32) {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) {
        const i = next++;
        const r = await heartbeat(coreFor(urls, i, tokens.length), tokens[i], i).catch(() => ({ status: 0 }));
        if (r.status !== 201 && r.status !== 200) failed++;
      }
    }),
  );
  return failed;
}

/** Open-loop load: `rate` heartbeats a second for `seconds`, round-robin over the tokens and over the cores' urls. */
async function drive(urls, tokens, rate, seconds) {
  const latencies = [];
  let sent = 0;
  let failed = 0;
  const failures = {};
  const failedAt = [];
  const fail = (status) => {
    failed++;
    failures[status] = (failures[status] ?? 0) + 1;
    failedAt.push((performance.now() - start) / 1000);
  };
  let skipped = 0;
  let outstanding = 0;
  const start = performance.now();
  const pending = new Set();
  let firstFailure = null;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (sent < due) {
      const i = sent++;
      if (outstanding >= MAX_OUTSTANDING) {
        skipped++;
        continue;
      }
      outstanding++;
      const p = heartbeat(coreFor(urls, i, tokens.length), tokens[i % tokens.length], i)
        .then((r) => {
          if (r.status === 201 || r.status === 200) latencies.push(r.ms);
          else {
            fail(r.status);
            if (!firstFailure) firstFailure = `${r.status} ${r.body.slice(0, 200)}`;
          }
        })
        .catch((err) => {
          fail(0);
          if (!firstFailure) firstFailure = `no answer: ${err.cause?.code ?? err.message}`;
        })
        .finally(() => {
          outstanding--;
          pending.delete(p);
        });
      pending.add(p);
    }
    await sleep(5);
  }
  await Promise.race([Promise.all(pending), sleep(60_000)]);
  // When failures happened (s into the load): one burst or spread over it.
  const failureSeconds = failedAt.length ? [Number(Math.min(...failedAt).toFixed(1)), Number(Math.max(...failedAt).toFixed(1))] : null;
  return { latencies, sent, failed, failures, firstFailure, failureSeconds, skipped };
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

/** Per-core worst figures from /healthz?details=true and /proc: the longest stall, peak RSS, the longest sweep (when /healthz gives sweepMs). */
function coreWatch(cores) {
  const stall = cores.map(() => null);
  const rss = cores.map(() => 0);
  let sweepMs = null;
  const times = [];
  return {
    times,
    /** Reads every core once; the answers' times (ms) go to `times`. A core that is gone keeps its last peaks. */
    async read() {
      await Promise.all(
        cores.map(async (core, i) => {
          const r = await timed(`${core.url}/healthz?details=true`).catch(() => null);
          if (core.child.exitCode === null && core.child.signalCode === null) rss[i] = Math.max(rss[i], rssMb(core.child.pid) ?? 0);
          if (!r) return;
          times.push(r.ms);
          // A 503 (no sweep completed lately) carries the details too.
          const details = r.status === 200 || r.status === 503 ? JSON.parse(r.body).details : undefined;
          if (!details) return;
          stall[i] = Math.max(stall[i] ?? 0, details.eventLoop.maxMs);
          if (typeof details.sweep?.sweepMs === "number") sweepMs = Math.max(sweepMs ?? 0, details.sweep.sweepMs);
        }),
      );
    },
    figures: () => ({
      eventLoopMaxStallMs: stall.some((x) => x !== null) ? Math.max(...stall.filter((x) => x !== null)) : null,
      eventLoopMaxStallMsPerCore: stall,
      rssMb: Math.max(...rss),
      rssMbPerCore: rss,
      sweepMs,
    }),
  };
}

/** SIGTERM to every core; waits up to 60 s for each when asked (a profiled core writes its profile on the way out). */
async function stopCores(cores, wait) {
  for (const c of cores) if (c.child.exitCode !== null || c.child.signalCode !== null) c.exitedEarly ??= `code ${c.child.exitCode}, signal ${c.child.signalCode}`;
  for (const c of cores) if (c.child.exitCode === null) c.child.kill("SIGTERM");
  if (wait) await Promise.all(cores.map((c) => (c.child.exitCode === null ? Promise.race([new Promise((r) => c.child.once("exit", r)), sleep(60_000)]) : null)));
}

const dirs = [];
const children = [];
const stores = [];
let cluster = null;
try {
  if (BUNDLE) {
    const dir = mkdtempSync(path.join(tmpdir(), "borela-bench-cp-bundle-"));
    dirs.push(dir);
    cli = await bundledCli(dir);
  }
  if (STORE === "postgres") {
    // Debian's PostgreSQL on 127.0.0.1, started as the tests start it (Node runs the .ts by stripping types).
    const { startPostgres } = await import(path.join(root, "core", "test", "support", "postgres.ts"));
    cluster = await startPostgres();
  }
  const openStore = async (label) => {
    const store = STORE === "postgres" ? await postgresStore(cluster, `borela_bench_${label}`) : sqliteStore(label);
    stores.push(store);
    return store;
  };

  // Baseline: the same rate against 20 projects, on the same store and number of cores.
  const baseStore = await openStore("base");
  const baseCores = await startCores(baseStore, CORES, children);
  const baseUrls = baseCores.map((c) => c.url);
  const baseTokens = await baseStore.createProjects(BASELINE_PROJECTS, GRACE_SECONDS);
  await oneEach(baseUrls, baseTokens);
  // The baseline's own longest stall: what the machine alone costs the event loop at this rate and core count.
  const baseWatch = coreWatch(baseCores);
  const baseHealth = poller(() => baseWatch.read(), 1_000);
  const baseline = await drive(baseUrls, baseTokens, RATE, BASELINE_SECONDS);
  await baseHealth.stop();
  await baseWatch.read();
  await stopCores(baseCores, false);
  const baselineP99 = pct(baseline.latencies, 99);
  const baselineStallMs = baseWatch.figures().eventLoopMaxStallMs;
  console.log(`baseline (${BASELINE_PROJECTS} projects, ${RATE}/s for ${BASELINE_SECONDS} s): heartbeat p50 ${pct(baseline.latencies, 50)} ms, p99 ${baselineP99} ms (${baseline.failed} failed); longest stall ${baselineStallMs} ms`);

  const store = await openStore("main");
  const cores = await startCores(store, CORES, children, CORE_NODE_ARGS, CPU_PROF_ARGS);
  const urls = cores.map((c) => c.url);
  let t0 = performance.now();
  const tokens = await store.createProjects(PROJECTS, GRACE_SECONDS);
  console.log(`${PROJECTS} projects written to the ${STORE} store in ${Math.round(performance.now() - t0)} ms (${CORES} core${CORES > 1 ? "s" : ""})`);
  t0 = performance.now();
  const firstFailed = await oneEach(urls, tokens);
  const firstSeconds = (performance.now() - t0) / 1000;
  console.log(`one heartbeat each: ${firstSeconds.toFixed(1)} s (${firstFailed} not accepted)`);

  // Two event-loop windows for the sweeps that turn every project fresh; their longest stall is reported apart.
  // /healthz's maxMs covers the open window and the closed one before it (up to 20 s back): read it again
  // after two more windows, so the load's first readings do not carry the settling's stalls.
  const settle = coreWatch(cores);
  for (let i = 0; i < 2; i++) {
    await sleep(20_000);
    await settle.read();
  }
  const settleStallMs = settle.figures().eventLoopMaxStallMs;

  const watch = coreWatch(cores);
  const listTimes = [];
  let listBytes = 0;
  let listErrors = 0;
  let listed = 0;
  const health = poller(() => watch.read(), 1_000);
  const list = poller(async () => {
    // The overview's poll: the first page of 100, worst first, with the summary; each poll to the next core.
    const r = await timed(`${urls[listed++ % urls.length]}/api/v1/projects?limit=100`, { headers: auth });
    if (r.status === 200) {
      listTimes.push(r.ms);
      listBytes = r.bytes;
    } else listErrors++;
  }, 2_000);
  const load = await drive(urls, tokens, RATE, DURATION);
  await list.stop();
  await health.stop();
  const figures = watch.figures();
  const result = {
    bench: "control-plane",
    value: pct(load.latencies, 99),
    unit: "ms",
    projects: PROJECTS,
    heartbeatP50Ms: pct(load.latencies, 50),
    heartbeatP99Ms: pct(load.latencies, 99),
    eventLoopMaxStallMs: figures.eventLoopMaxStallMs,
    listP95Ms: pct(listTimes, 95),
    listP50Ms: pct(listTimes, 50),
    listBytes,
    listErrors,
    rssMb: figures.rssMb,
    store: STORE,
    cores: CORES,
    rssMbPerCore: figures.rssMbPerCore,
    eventLoopMaxStallMsPerCore: figures.eventLoopMaxStallMsPerCore,
    sweepMs: figures.sweepMs,
    runtime: BUNDLE ? "bundle" : "tsx",
    baseline: baselineP99,
    baselineProjects: BASELINE_PROJECTS,
    baselineEventLoopMaxStallMs: baselineStallMs,
    ratio: baselineP99 && pct(load.latencies, 99) ? Number((baselineP99 / pct(load.latencies, 99)).toFixed(3)) : null,
    rate: RATE,
    durationSeconds: DURATION,
    heartbeatsSent: load.sent,
    heartbeatsFailed: load.failed,
    heartbeatFailures: load.failures,
    firstFailure: load.firstFailure,
    failureSeconds: load.failureSeconds,
    heartbeatsSkipped: load.skipped,
    overOneSecondPercent: Number(((100 * load.latencies.filter((x) => x > 1000).length) / Math.max(1, load.latencies.length)).toFixed(2)),
    firstHeartbeatsSeconds: Number(firstSeconds.toFixed(1)),
    settleStallMs,
    healthzP99Ms: pct(watch.times, 99),
    stallWarnings: cores.reduce((n, c) => n + c.warnings.length, 0),
  };

  if (SILENCE) {
    // Every agent stops now; each project turns silent once its grace passes (plus the sweep interval).
    await store.setGrace(SILENCE_GRACE_SECONDS);
    const silenceStart = performance.now();
    const silence = coreWatch(cores);
    let allSilentSeconds = null;
    const h = poller(() => silence.read(), 500);
    const limit = (SILENCE_GRACE_SECONDS + 150) * 1000;
    for (let i = 0; performance.now() - silenceStart < limit; i++) {
      const r = await timed(`${urls[i % urls.length]}/api/v1/projects?limit=1`, { headers: auth });
      if (r.status === 200 && JSON.parse(r.body).summary.statuses.silent === PROJECTS) {
        allSilentSeconds = Number(((performance.now() - silenceStart) / 1000).toFixed(1));
        break;
      }
      await sleep(2_000);
    }
    await sleep(20_000); // the sweeps after the mass transition
    await h.stop();
    const s = silence.figures();
    Object.assign(result, {
      silence: true,
      silenceGraceSeconds: SILENCE_GRACE_SECONDS,
      silenceAllSilentSeconds: allSilentSeconds,
      silenceHealthzP99Ms: pct(silence.times, 99),
      silenceHealthzMaxMs: pct(silence.times, 100),
      silenceEventLoopMaxStallMs: s.eventLoopMaxStallMs,
      silenceSweepMs: s.sweepMs,
      rssMb: Math.max(result.rssMb, s.rssMb),
      rssMbPerCore: result.rssMbPerCore.map((x, i) => Math.max(x, s.rssMbPerCore[i])),
    });
  }
  await stopCores(cores, CORE_NODE_ARGS.length + CPU_PROF_ARGS.length > 0);
  console.log(
    `${PROJECTS} projects on ${STORE}, ${CORES} core${CORES > 1 ? "s" : ""}, ${RATE} heartbeats/s for ${DURATION} s: heartbeat p50 ${result.heartbeatP50Ms} ms, p99 ${result.heartbeatP99Ms} ms; ` +
      `longest stall ${result.eventLoopMaxStallMs} ms; list p95 ${result.listP95Ms} ms (${listBytes} bytes); RSS ${result.rssMbPerCore.join(" / ")} MB`,
  );
  for (const w of cores.flatMap((c) => c.warnings).slice(0, 5)) console.log(`core: ${w}`);
  cores.forEach((c, i) => {
    if (c.exitedEarly) console.log(`core ${i} exited (${c.exitedEarly}) before the bench stopped it:\n${c.output().slice(-1500)}`);
    for (const e of c.errors.slice(0, 3)) console.log(`core ${i} error: ${e}`);
  });
  console.log(JSON.stringify(result));
} finally {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const s of stores) await s.close();
  await cluster?.stop();
}
// Heartbeats still in flight to the stopped core (and fetch's keep-alive sockets) would hold the process open.
process.exit(0);
