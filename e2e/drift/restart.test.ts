// Restarts: the whole stack stopped and started again, as after a deploy, a
// reboot or `npm start` run twice. The app stops, the sidecar (`borela agent`,
// a real CLI process) gets SIGTERM, or Ctrl-C as a terminal sends it (SIGINT to
// the whole process group, followed by the parent's SIGTERM), the app comes
// back and writes before the agent is up again, then the agent starts. Every
// time, Litestream must do its final sync and then resume the same generation:
// one generation in the replica, no "clearing generation", no incident, and a
// plain `litestream restore` returns every row.
import { spawn, type ChildProcess } from "node:child_process";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { restore } from "../../core/src/litestream/commands.ts";
import { startSqliteWriter } from "../../core/test/support/sqlite-writer.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { expectCleanLitestreamStop } from "../../core/test/support/litestream-stop.ts";
import { countRows, createDatabase } from "../../core/test/litestream/live.ts";
import Database from "better-sqlite3";
import { project, runAgent, waitForStatus } from "../../core/test/agent/harness.ts";
import { useHarness } from "../../core/test/agent/use-harness.ts";

const BIN = path.resolve(import.meta.dirname, "../../core/bin/borela.js");

const h = useHarness();
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

interface CliAgent {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startCliAgent(env: Record<string, string>): CliAgent {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BORELA_")));
  // Its own process group, so the test can signal the group as a terminal's Ctrl-C does.
  const child = spawn(process.execPath, [BIN, "agent"], { env: { ...clean, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function generations(replica: string): Promise<string[]> {
  return (await readdir(path.join(replica, "generations")).catch(() => [])).sort();
}

describe("restarts keep the generation", () => {
  it("three whole-stack restarts (SIGTERM, Ctrl-C to the process group plus the parent's SIGTERM, SIGINT): one generation, no incident, final sync each time", async () => {
    const p = await h.core.createProject("restarts", { staleAfterSeconds: 30, heartbeatGraceSeconds: 30 });
    const dbPath = path.join(h.dir.path, "app.sqlite3");
    const replica = path.join(h.dir.path, "replica");
    createDatabase(dbPath, 20);
    const env = {
      BORELA_SERVER: h.core.url,
      BORELA_AGENT_TOKEN: p.agentToken,
      BORELA_DATABASES: dbPath,
      BORELA_REPLICA_URL: `file://${replica}`,
      BORELA_HEARTBEAT_INTERVAL_SECONDS: "1",
      BORELA_SAMPLE_INTERVAL_SECONDS: "1",
      BORELA_LITESTREAM_SYNC_INTERVAL: "200ms",
      BORELA_AGENT_STATUS_FILE: path.join(h.dir.path, "status.json"),
      BORELA_AGENT_STATE_DIR: path.join(h.dir.path, "state"),
      BORELA_LOG_LEVEL: "debug",
      BORELA_LITESTREAM_VERSION: "0.3", // judged by its generations
    };
    const outputs: string[] = [];
    // While no Litestream runs, an app commit past 1000 WAL pages would checkpoint and restart the WAL, and
    // Litestream 0.3 rightly begins a new generation then (benbjohnson/litestream#547): under load the agent's
    // start can take long enough at this rate. This app follows litestream.io/tips (autocheckpoint off), so
    // the test judges the signals and the final sync, not that race.
    const app = { path: dbPath, ratePerSecond: 20, durationMs: 120_000, walAutocheckpoint: 0 };
    const stops = ["SIGTERM", "group-SIGINT+SIGTERM", "SIGINT"] as const;

    let agent = startCliAgent(env);
    let writer = await startSqliteWriter(app);
    await waitForStatus(h.core, p.id, "fresh", 30_000, (d) => d.storageBytes > 0);
    const first = await waitFor(async () => {
      const g = await generations(replica);
      return g.length === 1 ? g : null;
    }, { timeoutMs: 10_000, what: "the first generation" });

    for (const how of stops) {
      // The app stops first (its last connection closes), then the sidecar.
      await writer.stop();
      const before = countRows(dbPath, "events");
      if (how === "group-SIGINT+SIGTERM") {
        process.kill(-agent.child.pid!, "SIGINT");
        await new Promise((r) => setTimeout(r, 50));
        agent.child.kill("SIGTERM");
      } else {
        agent.child.kill(how);
      }
      const code = await Promise.race([agent.exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 20_000))]);
      outputs.push(agent.output());
      expect(code, `${how}: exit code\n${agent.output().slice(-3000)}`).toBe(0);
      expect(agent.output()).not.toMatch(/second SIG\w+, exiting without waiting/);
      expectCleanLitestreamStop(agent.output());
      // The final sync reached the replica: a plain restore has every row written before the stop.
      const out = path.join(h.dir.path, `restored-${how}.sqlite3`);
      await restore({ replica: { type: "file", path: replica } }, { outputPath: out, timeoutMs: 30_000 });
      expect(countRows(out, "events"), `${how}: rows restored after the final sync`).toBe(before);

      // The app comes back and writes before the agent does.
      writer = await startSqliteWriter(app);
      await waitFor(() => countRows(dbPath, "events") > before, { timeoutMs: 10_000, what: "the app to write again" });
      agent = startCliAgent(env);
      const startedAt = Date.now();
      await waitFor(() => /litestream started/.test(agent.output()), { timeoutMs: 30_000, what: `${how}: the agent to start Litestream` });
      // Caught up: the replica, in the first generation, is not behind the database position the agent sampled
      // (the app keeps writing, so the replica may already hold frames synced after that sample).
      let seen = "";
      await waitFor(
        async () => {
          const detail = await project(h.core, p.id);
          const d = detail.databases[0];
          const r = d?.replicas[0]?.position;
          seen = JSON.stringify({ lastHeartbeatAt: detail.lastHeartbeatAt, database: d?.position, replica: r });
          return (
            Date.parse(detail.lastHeartbeatAt ?? "") > startedAt + 1500 &&
            !!d?.position &&
            d.position.generation === first[0] &&
            r?.generation === first[0] &&
            (r.index > d.position.index || (r.index === d.position.index && r.offset >= d.position.offset))
          );
        },
        { timeoutMs: 60_000, what: `${how}: the replica to catch up in generation ${first[0]}` },
      ).catch(async (err) => {
        throw new Error(`${(err as Error).message}\nlast seen: ${seen}\ngenerations: ${await generations(replica)}\nagent:\n${agent.output().slice(-3000)}`);
      });
    }
    await writer.stop();
    const live = countRows(dbPath, "events");
    await waitFor(async () => {
      const d = (await project(h.core, p.id)).databases[0];
      return d.replicas[0]?.position?.offset === d.position?.offset && d.replicas[0]?.position?.index === d.position?.index;
    }, { timeoutMs: 15_000, what: "the last writes to reach the replica" });
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    outputs.push(agent.output());

    const all = outputs.join("\n");
    expect(all).not.toMatch(/clearing generation/);
    // Only the very first start begins a generation ("no generation exists").
    expect(all.match(/sync: new generation/g)).toHaveLength(1);
    expect(await generations(replica)).toEqual(first);
    const incidents = (await h.core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body;
    expect(incidents).toEqual([]);
    const out = path.join(h.dir.path, "restored-end.sqlite3");
    await restore({ replica: { type: "file", path: replica } }, { outputPath: out, timeoutMs: 30_000 });
    expect(countRows(out, "events")).toBe(live);
  }, 360_000);

  it("Litestream restarted under a running agent while the app opens and closes its connections: same generation, no incident", async () => {
    const p = await h.core.createProject("litestream-restarts", { staleAfterSeconds: 30, heartbeatGraceSeconds: 30 });
    const dbPath = path.join(h.dir.path, "short.sqlite3");
    const replica = path.join(h.dir.path, "short-replica");
    createDatabase(dbPath, 20);
    // An app that opens a connection per request (a CLI, a cron job, a PHP page): while no Litestream runs,
    // its close is the last one, and SQLite then checkpoints and deletes the WAL unless the agent's guard is open.
    let stopApp = false;
    let inserted = 0;
    const app = (async () => {
      for (let i = 0; i < 2000 && !stopApp; i++) {
        const db = new Database(dbPath, { timeout: 5000 });
        db.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('request', ?, ?)").run(`r${i}`, new Date().toISOString());
        db.close();
        inserted++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const agent = await runAgent({ server: h.core.url, token: p.agentToken, databases: [dbPath], replicaUrl: `file://${replica}`, dir: h.dir.path, env: { BORELA_LITESTREAM_VERSION: "0.3" } });
    try {
      await waitForStatus(h.core, p.id, "fresh", 30_000, (d) => d.storageBytes > 0);
      const first = await waitFor(async () => {
      const g = await generations(replica);
      return g.length === 1 ? g : null;
    }, { timeoutMs: 10_000, what: "the first generation" });
      // Two restarts: a third within 30 s would rightly read as "Litestream keeps exiting".
      for (let round = 0; round < 2; round++) {
        const pid = agent.agent.supervisor!.status().pid!;
        const before = inserted;
        process.kill(pid, "SIGTERM"); // Litestream stops (final sync); the supervisor starts it again after its backoff
        await waitFor(() => agent.agent.supervisor!.status().running && agent.agent.supervisor!.status().pid !== pid, { timeoutMs: 15_000, what: `round ${round}: Litestream to be restarted` });
        expect(inserted, "the app wrote while Litestream was down").toBeGreaterThan(before);
        await waitFor(
          async () => {
            const d = (await project(h.core, p.id)).databases[0];
            return inserted > before + 10 && d.replicas[0]?.position?.generation === first[0] && d.replicas[0]?.position?.offset === d.position?.offset;
          },
          { timeoutMs: 20_000, what: `round ${round}: the replica to follow in generation ${first[0]}` },
        );
      }
      const log = agent.logs.join("\n");
      expect(log).not.toMatch(/clearing generation/);
      expect(log.match(/sync: new generation/g)).toHaveLength(1);
      expect(await generations(replica)).toEqual(first);
      const incidents = (await h.core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body;
      expect(incidents, `${JSON.stringify(incidents, null, 1)}\n${log.split("\n").filter((l) => /WARN|ERROR/.test(l)).join("\n").slice(-4000)}`).toEqual([]);
    } finally {
      stopApp = true;
      await app;
      await agent.stop();
    }
  }, 120_000);
});
