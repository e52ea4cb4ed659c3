// End-to-end pieces for agent tests: a real core on loopback, fauxqs S3, a
// database written by another process, and the agent started in-process with
// settings loaded exactly as `borela agent` loads them (flags + env).
import path from "node:path";
import { startAgent, type AgentDeps, type RunningAgent } from "../../src/agent/agent.ts";
import { createAgentLog } from "../../src/agent/log.ts";
import { loadAgentSettings, type AgentFlags } from "../../src/agent/settings.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import type { S3Server } from "../support/s3.ts";
import { testLitestreamLine } from "../support/litestream-line.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";

export interface TestAgent {
  agent: RunningAgent;
  logs: string[];
  statusFile: string;
  stop(): Promise<void>;
}

export interface AgentRun {
  server: string;
  token: string;
  databases: string[];
  replicaUrl?: string;
  env?: Record<string, string>;
  flags?: AgentFlags;
  deps?: AgentDeps;
  dir: string;
  intervalSeconds?: number;
}

/** Starts an agent the way the CLI would, with short intervals and its log captured. */
export async function runAgent(run: AgentRun): Promise<TestAgent> {
  const logs: string[] = [];
  const statusFile = path.join(run.dir, `status-${Math.random().toString(36).slice(2)}.json`);
  const env: Record<string, string> = {
    BORELA_SERVER: run.server,
    BORELA_AGENT_TOKEN: run.token,
    BORELA_DATABASES: run.databases.join(","),
    BORELA_HEARTBEAT_INTERVAL_SECONDS: String(run.intervalSeconds ?? 1),
    BORELA_SAMPLE_INTERVAL_SECONDS: "1",
    BORELA_LITESTREAM_SYNC_INTERVAL: "500ms",
    BORELA_AGENT_STATUS_FILE: statusFile,
    BORELA_AGENT_STATE_DIR: path.join(run.dir, `agent-state-${Math.random().toString(36).slice(2)}`),
    ...(run.replicaUrl ? { BORELA_REPLICA_URL: run.replicaUrl } : {}),
    // Always named: the agent's own default is 0.5; harness agents follow BORELA_TEST_LITESTREAM (0.3 when unset).
    BORELA_LITESTREAM_VERSION: testLitestreamLine(),
    ...run.env,
  };
  const settings = await loadAgentSettings(run.flags ?? {}, env);
  const log = createAgentLog({ level: "debug", write: (line) => logs.length < 20_000 && logs.push(line), secrets: () => [settings.token] });
  const agent = await startAgent(settings, { log, backoff: { initialMs: 200, maxMs: 1000 }, ...run.deps });
  return { agent, logs, statusFile, stop: () => agent.stop() };
}

export interface ProjectDetail {
  id: string;
  status: string;
  statusReasons: string[];
  lastHeartbeatAt: string | null;
  storageBytes: number;
  databases: Array<{
    name: string;
    path: string;
    status: string;
    statusReasons: string[];
    exists: boolean;
    position: { generation: string | null; index: number; offset: number } | null;
    errors: string[];
    notes: string[];
    replicas: Array<{ url: string; position: { generation: string | null; index: number; offset: number } | null; pendingSince: string | null; storageBytes: number; lastError: string | null; lastWalAt: string | null }>;
  }>;
}

export async function project(core: TestCore, id: string): Promise<ProjectDetail> {
  const res = await core.api<ProjectDetail>("GET", `/api/v1/projects/${id}`);
  if (res.status !== 200) throw new Error(`GET project ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function waitForStatus(core: TestCore, id: string, status: string, timeoutMs: number, extra: (p: ProjectDetail) => boolean = () => true): Promise<ProjectDetail> {
  return waitFor(
    async () => {
      const p = await project(core, id);
      return p.status === status && extra(p) ? p : null;
    },
    { timeoutMs, intervalMs: 250, what: `project ${id} to become ${status}` },
  ).catch(async (err) => {
    const p = await project(core, id).catch(() => null);
    throw new Error(`${(err as Error).message}\nlast project: ${JSON.stringify(p, null, 1)?.slice(0, 4000)}`);
  });
}

export interface Harness {
  core: TestCore;
  dir: TmpDir;
  close(): Promise<void>;
}

/** A core sweeping every second, and a private directory. */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LOG_LEVEL: "warn", ...env });
  const dir = await tmpDir("borela-agent-e2e-");
  return {
    core,
    dir,
    async close() {
      await core.close();
      await dir.remove();
    },
  };
}

export function s3ReplicaUrl(s3: S3Server, bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(s3.endpoint)}&region=us-east-1`;
}

export function s3Env(s3: S3Server, accessKeyId = s3.accessKeyId): Record<string, string> {
  return { LITESTREAM_ACCESS_KEY_ID: accessKeyId, LITESTREAM_SECRET_ACCESS_KEY: s3.secretAccessKey };
}
