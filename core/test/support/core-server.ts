// A real core on loopback for tests: temp data dir, fixed admin token, logs
// captured so tests can assert that no secret is ever written.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { startServer, type RunningServer } from "../../src/server/start.ts";

export interface TestCore extends RunningServer {
  adminToken: string;
  logs(): string;
  api<T = any>(method: string, url: string, options?: { body?: unknown; token?: string | null; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: T; headers: Headers }>;
  createProject(name: string, settings?: Record<string, unknown>): Promise<{ id: string; name: string; agentToken: string }>;
}

export async function startTestCore(env: Record<string, string> = {}): Promise<TestCore> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "borela-core-"));
  const adminToken = `bradm_test_${Math.random().toString(36).slice(2)}`;
  const logStream = new PassThrough();
  let logText = "";
  logStream.on("data", (chunk) => (logText += chunk.toString()));
  const server = await startServer({
    // Test receivers listen on 127.0.0.1; suites that test the refusal set it to "false".
    // Test replicas live in temp dirs (support/tmp.ts): drills may read file replicas there.
    env: { BORELA_ADMIN_TOKEN: adminToken, BORELA_LOG_LEVEL: "debug", BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true", BORELA_FILE_REPLICA_ROOTS: tmpdir(), ...env },
    dataDir,
    host: "127.0.0.1",
    port: 0,
    logStream,
  });

  const api: TestCore["api"] = async (method, url, options = {}) => {
    const token = options.token === undefined ? adminToken : options.token;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
    }
    if (body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
    const res = await fetch(server.url + url, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };

  return {
    ...server,
    adminToken,
    logs: () => logText,
    api,
    async createProject(name, settings = {}) {
      const res = await api("POST", "/api/v1/projects", { body: { name, drillSchedule: quietDrillSchedule(), ...settings } });
      if (res.status !== 201) throw new Error(`create project ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A weekly cron that last fired an hour ago, so no scheduled drill fires during a test unless the test asks
 * for one. The default schedule is drawn from the project's random id: one run in a few thousand saw a
 * project's weekly drill fire mid-test (a soak run's bring-your-own S3 replica, whose drill rightly fails
 * without stored read credentials).
 */
export function quietDrillSchedule(now = new Date()): string {
  const last = new Date(now.getTime() - 3_600_000);
  return `${last.getUTCMinutes()} ${last.getUTCHours()} * * ${last.getUTCDay()}`;
}

/** A minimal valid heartbeat for one database with one replica. */
export function heartbeat(overrides: {
  sentAt?: Date;
  pendingSince?: Date | null;
  exists?: boolean;
  errors?: string[];
  lastError?: string | null;
  sequence?: number;
  agentId?: string;
  databases?: unknown[];
} = {}) {
  const sentAt = overrides.sentAt ?? new Date();
  return {
    agentVersion: "test",
    litestreamVersion: "v0.3.13",
    sentAt: sentAt.toISOString(),
    ...(overrides.sequence !== undefined ? { sequence: overrides.sequence, agentId: overrides.agentId ?? "agent-1" } : {}),
    databases: overrides.databases ?? [
      {
        name: "app",
        path: "/data/app.sqlite3",
        exists: overrides.exists ?? true,
        sizeBytes: 4096,
        walBytes: 1024,
        position: { generation: "abc123", index: 1, offset: 4152 },
        replicas: [
          {
            type: "file",
            url: "file:///backups/app",
            generation: "abc123",
            position: { generation: "abc123", index: 1, offset: 4152 },
            pendingSince: overrides.pendingSince ? overrides.pendingSince.toISOString() : null,
            lastSnapshotAt: new Date(sentAt.getTime() - 60_000).toISOString(),
            lastWalAt: new Date(sentAt.getTime() - 1_000).toISOString(),
            storageBytes: 8192,
            lastError: overrides.lastError ?? null,
          },
        ],
        errors: overrides.errors ?? [],
      },
    ],
    errors: [],
  };
}
