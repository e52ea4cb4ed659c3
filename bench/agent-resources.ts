// npm run bench -- agent-resources
//
// Memory (RSS) and idle CPU of `borela agent` supervising Litestream for one idle
// WAL-mode database with a file replica, heartbeating to a stub core on loopback.
// Measured on the bundled agent (plain node, as a sidecar image should run it) and,
// for reference, through tsx (`node core/bin/borela.js agent`). Baseline: a bare
// idle `node -e` process in the same run. Litestream (a Go child) is reported
// separately. Last line: {"bench":"agent-resources","value":<rss MB>,"unit":"MB",
// "baseline":<bare node rss MB>,"ratio":<value/baseline>,"cpuPercent":<idle cpu %>, ...}
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { bundleAgent } from "../core/src/agent/bundle.ts";
import { stopChild } from "../core/test/support/child-output.ts";

const root = path.resolve(import.meta.dirname, "..");
const WINDOW_S = Number(process.env.BENCH_WINDOW_SECONDS ?? 30);
const WARMUP_S = 6;
const TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMB(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : 0;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

interface Measure {
  peakRss: number;
  endRss: number;
  cpuPercent: number;
}

/** Peak and final RSS, and CPU % over the window, sampling once a second. */
async function measure(pid: number, seconds: number): Promise<Measure> {
  const t0 = cpuTicks(pid);
  const start = process.hrtime.bigint();
  let peakRss = 0;
  let endRss = 0;
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    endRss = rssMB(pid);
    peakRss = Math.max(peakRss, endRss);
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { peakRss, endRss, cpuPercent: ((cpuTicks(pid) - t0) / TICKS / elapsed) * 100 };
}

const stop = (child: ChildProcess) => stopChild(child, 15_000);

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "borela-bench-agent-"));
  const processes: ChildProcess[] = [];
  let heartbeats = 0;
  const core = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/api/v1/heartbeats") heartbeats++;
      res.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => core.listen(0, "127.0.0.1", r));
  const port = (core.address() as { port: number }).port;
  try {
    const dbPath = path.join(dir, "app.sqlite3");
    const db = new Database(dbPath);
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT)");
    const insert = db.prepare("INSERT INTO events (payload) VALUES (?)");
    for (let i = 0; i < 1000; i++) insert.run(`event ${i} ${"x".repeat(100)}`);
    db.close();

    const bundle = path.join(root, "node_modules", ".cache", "borela", "agent.mjs");
    mkdirSync(path.dirname(bundle), { recursive: true });
    await bundleAgent(bundle);

    const env = (name: string) => ({
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BORELA_"))),
      BORELA_SERVER: `http://127.0.0.1:${port}`,
      BORELA_AGENT_TOKEN: "brag_bench",
      BORELA_DATABASES: dbPath,
      BORELA_REPLICA_URL: `file://${path.join(dir, `replica-${name}`)}`,
      BORELA_HEARTBEAT_INTERVAL_SECONDS: "10",
      BORELA_AGENT_STATUS_FILE: path.join(dir, `status-${name}.json`),
      BORELA_AGENT_STATE_DIR: path.join(dir, `state-${name}`),
    });

    // Baseline: a bare idle node.
    const bare = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    processes.push(bare);
    await sleep(WARMUP_S * 1000);
    const base = await measure(bare.pid!, Math.min(10, WINDOW_S));
    await stop(bare);

    // The bundled agent, idle database.
    const agent = spawn(process.execPath, [bundle], { env: env("bundle"), stdio: ["ignore", "ignore", "pipe"] });
    processes.push(agent);
    let agentLog = "";
    agent.stderr!.on("data", (c) => (agentLog += c));
    await sleep(WARMUP_S * 1000);
    const litestreamPid = children(agent.pid!).find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("litestream"));
    if (!litestreamPid) throw new Error(`no Litestream child under the agent:\n${agentLog}`);
    const ls0 = cpuTicks(litestreamPid);
    const lsStart = Date.now();
    const a = await measure(agent.pid!, WINDOW_S);
    const lsCpu = ((cpuTicks(litestreamPid) - ls0) / TICKS / ((Date.now() - lsStart) / 1000)) * 100;
    const lsRss = rssMB(litestreamPid);
    await stop(agent);

    // The same agent through tsx, as `node core/bin/borela.js agent` runs it (reference only).
    const viaTsx = spawn(process.execPath, [path.join(root, "core/bin/borela.js"), "agent"], { env: env("tsx"), stdio: "ignore" });
    processes.push(viaTsx);
    await sleep(WARMUP_S * 1000);
    const t = await measure(viaTsx.pid!, 10);
    await stop(viaTsx);

    console.log(`bare node           rss ${round(base.peakRss)} MB  cpu ${round(base.cpuPercent, 2)} %`);
    console.log(`agent (bundled)     rss ${round(a.peakRss)} MB peak, ${round(a.endRss)} MB end  idle cpu ${round(a.cpuPercent, 2)} % over ${WINDOW_S}s (${heartbeats} heartbeats)`);
    console.log(`agent (tsx)         rss ${round(t.peakRss)} MB peak  cpu ${round(t.cpuPercent, 2)} %`);
    console.log(`litestream (child)  rss ${round(lsRss)} MB  cpu ${round(lsCpu, 2)} %`);
    console.log(
      JSON.stringify({
        bench: "agent-resources",
        value: round(a.peakRss),
        unit: "MB",
        baseline: round(base.peakRss),
        ratio: round(a.peakRss / base.peakRss, 2),
        cpuPercent: round(a.cpuPercent, 2),
        windowSeconds: WINDOW_S,
        rssTsxMB: round(t.peakRss),
        litestreamRssMB: round(lsRss),
        litestreamCpuPercent: round(lsCpu, 2),
      }),
    );
  } finally {
    for (const p of processes) await stop(p);
    await new Promise((r) => core.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
