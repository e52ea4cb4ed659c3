// The demo that `npm start` shows on a fresh data dir: a project named "demo",
// a sample app database written to every few seconds, an agent with
// Litestream replicating it (and the core's own database: Borela backs itself
// up) to a local file replica. Its first drill is the general rule: the drill
// service queues one for every database once the project first turns fresh.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "../store/db.ts";
import { databaseFile } from "../store/db.ts";
import { createSampleDatabase, startSampleWriter } from "./sample-database.ts";
import { issueAgentToken } from "../server/agent-tokens.ts";
import { newId } from "../store/ids.ts";
import { defaultDrillSchedule } from "../projects/settings.ts";
import { managedPrefix } from "../storage/managed-replica.ts";
import { randomBytes } from "node:crypto";
import type { DrillService } from "../drills/service.ts";
import { WalGuard } from "../agent/wal-guard.ts";
import { NO_STORAGE, restoreCommands } from "../snippets/restore-commands.ts";
import { shellCommand } from "../snippets/shell.ts";
import { resolveLitestreamBinFor } from "../litestream/binary.ts";
import type { ProcessEnv } from "../config.ts";
import { demoLitestream } from "./demo-litestream.ts";
import { removeDemoFiles } from "./remove-files.ts";

const DEMO_PROJECT = "demo";
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/borela.js");

export interface DemoPaths {
  dir: string;
  database: string;
  replica: string;
  credentials: string;
  agentState: string;
}

function demoPaths(dataDir: string): DemoPaths {
  const dir = path.join(dataDir, "demo");
  return {
    dir,
    database: path.join(dir, "app.sqlite3"),
    replica: path.join(dir, "replica"),
    credentials: path.join(dir, "agent.json"),
    agentState: path.join(dir, "agent-state"),
  };
}

/** Creates the demo project and its files when missing; returns its agent token (kept 0600 in the demo dir). */
async function ensureDemo(store: Store, dataDir: string): Promise<{ projectId: string; agentToken: string; created: boolean }> {
  const paths = demoPaths(dataDir);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  createSampleDatabase(paths.database);
  const existing = await store.project.findUnique({ where: { name: DEMO_PROJECT } });
  if (existing && existsSync(paths.credentials)) {
    const saved = JSON.parse(readFileSync(paths.credentials, "utf8")) as { projectId: string; agentToken: string };
    if (saved.projectId === existing.id) return { ...saved, created: false };
  }
  let projectId = existing?.id;
  if (!projectId) {
    projectId = newId();
    await store.project.create({
      data: {
        id: projectId,
        name: DEMO_PROJECT,
        staleAfterSeconds: 60,
        heartbeatGraceSeconds: 30,
        drillSchedule: defaultDrillSchedule(projectId),
        badgeKey: randomBytes(18).toString("base64url"),
        storagePrefix: managedPrefix({ name: DEMO_PROJECT, id: projectId }),
        statusReasons: JSON.stringify(["no heartbeat received yet"]),
      },
    });
  }
  const token = await issueAgentToken(store, projectId);
  writeFileSync(paths.credentials, JSON.stringify({ projectId, agentToken: token.agentToken }), { mode: 0o600 });
  return { projectId, agentToken: token.agentToken, created: !existing };
}

export interface RunningDemo {
  projectId: string;
  restoreCommand: string;
  stop(): Promise<void>;
}

/**
 * The restore line printed at startup: the CLI pointed at this core (`--server`, else it tries port 8787),
 * and the same restore with the Litestream binary Borela installs (@flydotio/litestream's `litestream`
 * bin; a bare `npx litestream` would fetch an unrelated npm package), or `litestreamBin` (the demo's 0.5 build).
 * `replicaDir`: the demo's file replica.
 */
export function demoRestoreCommand(serverUrl: string, replicaDir: string, litestreamBin: string | null = null): string {
  const out = "/tmp/app-restored.sqlite3";
  const borela = restoreCommands(DEMO_PROJECT, { name: "app" }, null, NO_STORAGE, serverUrl).borela;
  const bin = litestreamBin ? [litestreamBin] : ["npx", "--package", "@flydotio/litestream", "litestream"];
  const litestream = shellCommand([...bin, "restore", "-o", out, `file://${replicaDir}/app`]);
  return `${borela}   (or: ${litestream})`;
}

export async function startDemo(opts: {
  store: Store;
  dataDir: string;
  serverUrl: string;
  /** The core's environment (its Config): the demo's agent inherits it; BORELA_LITESTREAM_VERSION and LITESTREAM_BIN pick the line. */
  env: ProcessEnv;
  /** No longer used (the first drill is the drill service's rule for every project); kept until serve.ts stops passing it. */
  drills?: DrillService;
  onLine?: (line: string) => void;
}): Promise<RunningDemo> {
  const paths = demoPaths(opts.dataDir);
  // Both databases keep their WAL while no Litestream runs (before the agent starts, after it stops, and
  // while the core closes its own database last), so a restart resumes the same generation: see wal-guard.ts.
  // Held until this process exits, after the core has closed its database.
  const guarded = [paths.database, databaseFile(opts.dataDir)];
  const guard = new WalGuard((file, message) => opts.onLine?.(`no WAL guard on ${file}: ${message}`));
  await guard.hold(guarded);
  process.once("exit", () => guard.release());
  const { projectId, agentToken } = await ensureDemo(opts.store, opts.dataDir);
  await guard.hold(guarded);
  const writer = startSampleWriter(paths.database, 3_000);
  mkdirSync(paths.replica, { recursive: true });
  const litestream = demoLitestream(opts.env.childEnv, () => resolveLitestreamBinFor("0.5", null, opts.env.searchPath));
  if (litestream.note) opts.onLine?.(litestream.note);
  const agent: ChildProcess = spawn(process.execPath, [BIN, "agent", "--state-dir", paths.agentState, "--status-file", path.join(paths.dir, "agent-status.json")], {
    env: {
      ...opts.env.childEnv,
      BORELA_SERVER: opts.serverUrl,
      BORELA_AGENT_TOKEN: agentToken,
      BORELA_DATABASES: [paths.database, databaseFile(opts.dataDir)].join(","),
      BORELA_REPLICA_URL: `file://${paths.replica}`,
      BORELA_HEARTBEAT_INTERVAL_SECONDS: "5",
      BORELA_COUNT_ROWS: "true",
      BORELA_LITESTREAM_VERSION: litestream.line,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) opts.onLine?.(line);
  };
  agent.stdout?.on("data", forward);
  agent.stderr?.on("data", forward);
  const exited = new Promise<void>((resolve) => agent.once("exit", () => resolve()));

  return {
    projectId,
    restoreCommand: demoRestoreCommand(opts.serverUrl, paths.replica, litestream.bin),
    async stop() {
      writer.stop();
      if (agent.exitCode === null && agent.signalCode === null) {
        agent.kill("SIGTERM"); // the agent stops Litestream, which does its final sync
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
        await Promise.race([exited, timeout]);
        if (agent.exitCode === null && agent.signalCode === null) agent.kill("SIGKILL");
      }
    },
  };
}

/**
 * Removes the demo project and its files; throws DemoFilesError when files stay (see remove-files.ts).
 * The caller holds the data dir lock (server/data-dir-lock.ts), so no demo runs meanwhile.
 */
export async function resetDemo(store: Store, dataDir: string): Promise<boolean> {
  const { count } = await store.project.deleteMany({ where: { name: DEMO_PROJECT } });
  removeDemoFiles(demoPaths(dataDir).dir);
  return count > 0;
}
