// Drill overhead: a ~1 GB SQLite database with realistic tables and a
// Litestream file replica; in the same run, the raw steps by hand
// (`litestream restore`, `sqlite3 PRAGMA integrity_check`, `SELECT count(*)`
// per table) against `borela drill run --wait`. Prints the ratio drill/raw.
// The database and replica are cached under .bench-tmp/ (git-ignored).
// BENCH_LITESTREAM=0.5 does the same with Litestream 0.5 (an LTX replica, the
// binary of scripts/install-litestream05.sh) on a copy of the same database.
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";

const root = path.resolve(import.meta.dirname, "..");
const work = path.join(root, ".bench-tmp", "drill-overhead");
const TARGET_MB = Number(process.env.BENCH_DB_MB ?? 1024);
const LINE = process.env.BENCH_LITESTREAM === "0.5" ? "0.5" : "0.3";
const suffix = LINE === "0.5" ? "-ltx" : "";
const dbFile = path.join(work, `app-${TARGET_MB}mb${suffix}.sqlite3`);
const replicaDir = path.join(work, `replica-${TARGET_MB}mb${suffix}`);
const litestream = LINE === "0.5" ? path.join(root, ".tools/bin/litestream-0.5") : path.join(root, "node_modules/@flydotio/litestream-linux-x64/litestream");
// What marks a finished replica: 0.3 writes generations/, 0.5 writes ltx/ (a snapshot at level 9).
const replicaMark = LINE === "0.5" ? path.join(replicaDir, "ltx", "9") : path.join(replicaDir, "generations");
// Litestream 0.5's S3 client refuses AWS_CA_BUNDLE; nothing here uses S3, but keep its environment plain.
const { AWS_CA_BUNDLE: _caBundle, ...plainEnv } = process.env;
const borela = path.join(root, "core/bin/borela.js");
const TABLES = ["users", "orders", "events"];

function log(msg) {
  process.stderr.write(`${msg}\n`);
}

function buildDatabase() {
  if (existsSync(dbFile) && existsSync(replicaMark)) return;
  rmSync(dbFile, { force: true });
  rmSync(replicaDir, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const same = path.join(work, `app-${TARGET_MB}mb.sqlite3`);
  if (LINE === "0.5" && existsSync(same)) {
    log(`copying ${same} to ${dbFile} (sqlite3 .backup)`);
    execFileSync("sqlite3", [same, `.backup '${dbFile}'`], { stdio: "ignore", timeout: 600_000 });
    return replicateDatabase();
  }
  log(`building a ${TARGET_MB} MB database at ${dbFile}`);
  const db = new Sqlite(dbFile);
  db.pragma("journal_mode = WAL");
  db.exec(`
    CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), total_cents INTEGER NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX orders_user ON orders(user_id);
    CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX events_kind ON events(kind);
  `);
  const users = db.prepare("INSERT INTO users (email, name, created_at) VALUES (?, ?, ?)");
  const orders = db.prepare("INSERT INTO orders (user_id, total_cents, status, created_at) VALUES (?, ?, ?, ?)");
  const events = db.prepare("INSERT INTO events (kind, payload, created_at) VALUES (?, ?, ?)");
  const now = new Date().toISOString();
  db.transaction(() => {
    for (let i = 0; i < 200_000; i++) users.run(`user${i}@example.com`, `User ${i}`, now);
  })();
  const kinds = ["order.created", "order.paid", "user.login", "page.view", "email.sent"];
  let batch = 0;
  while (statSync(dbFile).size + (existsSync(`${dbFile}-wal`) ? statSync(`${dbFile}-wal`).size : 0) < TARGET_MB * 1024 * 1024) {
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) {
        const n = batch * 20_000 + i;
        orders.run(1 + (n % 200_000), 100 + (n % 50_000), n % 7 ? "paid" : "refunded", now);
        // Semi-random JSON payloads compress like real ones: neither zeros nor noise.
        events.run(kinds[n % kinds.length], JSON.stringify({ n, user: n % 200_000, path: `/items/${(n * 7919) % 100_003}`, agent: "Mozilla/5.0", ref: (n * 2654435761) % 4294967296 }), now);
      }
    })();
    batch++;
    if (batch % 25 === 0) db.pragma("wal_checkpoint(TRUNCATE)");
  }
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  replicateDatabase();
}

function replicateDatabase() {
  log(`replicating to ${replicaDir} with Litestream ${LINE}`);
  // `litestream replicate -exec` replicates, runs the command, then stops with a final sync.
  // 0.5 takes its first level-9 snapshot a moment after the first sync: give it time.
  const started = Date.now();
  execFileSync(litestream, ["replicate", "-exec", LINE === "0.5" ? "sleep 20" : "sleep 2", dbFile, `file://${replicaDir}`], { stdio: "ignore", timeout: 600_000, env: plainEnv });
  log(`replicated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!existsSync(replicaMark)) throw new Error(`litestream ${LINE} left no ${replicaMark}`);
}

function time(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

function rawSteps() {
  const out = path.join(work, `raw-restore${suffix}.sqlite3`);
  rmSync(out, { force: true });
  const seconds = time(() => {
    execFileSync(litestream, ["restore", "-o", out, `file://${replicaDir}`], { stdio: "ignore", env: plainEnv });
    const check = execFileSync("sqlite3", [out, "PRAGMA integrity_check"], { encoding: "utf8" }).trim();
    if (check !== "ok") throw new Error(`integrity_check: ${check}`);
    execFileSync("sqlite3", [out, TABLES.map((t) => `SELECT count(*) FROM ${t};`).join(" ")], { encoding: "utf8" });
  });
  rmSync(out, { force: true });
  return seconds;
}

function startCore(dataDir) {
  const child = spawn(process.execPath, [borela, "serve", "--port", "0"], {
    env: { ...process.env, BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: "bradm_bench", BORELA_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const on = (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    };
    child.stdout.on("data", on);
    child.stderr.on("data", on);
    child.on("exit", (c) => reject(new Error(`core exited ${c}: ${out}`)));
  });
}

async function prepareStore(dataDir) {
  rmSync(dataDir, { recursive: true, force: true });
  const { child, url } = await startCore(dataDir);
  const headers = { authorization: "Bearer bradm_bench", "content-type": "application/json" };
  const project = await (await fetch(`${url}/api/v1/projects`, { method: "POST", headers, body: JSON.stringify({ name: "bench" }) })).json();
  const res = await fetch(`${url}/api/v1/heartbeats`, {
    method: "POST",
    headers: { ...headers, authorization: `Bearer ${project.agentToken}` },
    body: JSON.stringify({
      agentVersion: "bench",
      sentAt: new Date().toISOString(),
      databases: [{ name: "app", path: dbFile, exists: true, replicas: [{ type: "file", url: `file://${replicaDir}` }], errors: [] }],
      errors: [],
    }),
  });
  if (res.status !== 201) throw new Error(`heartbeat: ${res.status}`);
  await new Promise((r) => {
    child.once("exit", r);
    child.kill("SIGTERM");
  });
}

function drillRun(dataDir) {
  let output = "";
  const seconds = time(() => {
    const r = spawnSync(process.execPath, [borela, "drill", "run", "bench", "--wait", "--data-dir", dataDir], {
      env: { ...process.env, BORELA_DATA_DIR: dataDir, BORELA_FILE_REPLICA_ROOTS: work, BORELA_LOG_LEVEL: "warn" },
      encoding: "utf8",
    });
    output = r.stdout + r.stderr;
    if (r.status !== 0) throw new Error(`borela drill run failed (${r.status}):\n${output}`);
  });
  return { seconds, output };
}

buildDatabase();
const dbBytes = statSync(dbFile).size;
const dataDir = path.join(work, `borela-data${suffix}`);
await prepareStore(dataDir);
log("warming the page cache with one restore");
rawSteps();
const raw = [];
const drill = [];
let lastOutput = "";
for (let i = 0; i < 3; i++) {
  raw.push(rawSteps());
  const d = drillRun(dataDir);
  drill.push(d.seconds);
  lastOutput = d.output;
  log(`round ${i + 1}: raw ${raw.at(-1).toFixed(2)}s, borela drill run ${d.seconds.toFixed(2)}s`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const value = Math.min(...drill);
const baseline = Math.min(...raw);
process.stdout.write(lastOutput.split("\n").filter((l) => /restore|check|PASSED/.test(l)).join("\n") + "\n");
console.log(
  JSON.stringify({
    bench: "drill-overhead",
    litestream: LINE,
    value: Number(value.toFixed(2)),
    unit: "s",
    baseline: Number(baseline.toFixed(2)),
    ratio: Number((value / baseline).toFixed(3)),
    medianDrillSeconds: Number(median(drill).toFixed(2)),
    medianRawSeconds: Number(median(raw).toFixed(2)),
    databaseBytes: dbBytes,
    runs: drill.length,
  }),
);
