// Issue 14: a planned restart of the core (stopped, ~50 s down, started again)
// sent "heard from again … (not announced while open)": the first sweep after
// the start found every project's last heartbeat older than its grace and
// opened a silent incident, which the agent's next heartbeat resolved.
// Compressed: a real agent running real Litestream reports every second with
// an 6 s grace; the core (same data dir, same port) is down for 15 s. After the
// start there must be no silent incident and no email; a real silence after the
// restart (the agent stopped) must still be announced.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../core/src/server/start.ts";
import { newId } from "../../core/src/store/ids.ts";
import { startSmtp, type SmtpSink } from "../../core/test/support/smtp.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { sleep, waitFor } from "../../core/test/support/wait-for.ts";
import { createDatabase } from "../../core/test/litestream/live.ts";
import { runAgent, type TestAgent } from "../../core/test/agent/harness.ts";

const GRACE_SECONDS = 6;
const DOWN_SECONDS = 15;
const ADMIN = `bradm_test_${Math.random().toString(36).slice(2)}`;
const dataDir = mkdtempSync(path.join(tmpdir(), "borela-core-restart-"));
let core: RunningServer | null = null;
let smtp: SmtpSink;
let dir: TmpDir;
let agent: TestAgent | null = null;
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function start(): Promise<RunningServer> {
  return startServer({
    env: { BORELA_ADMIN_TOKEN: ADMIN, BORELA_LOG_LEVEL: "warn", BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com", BORELA_FILE_REPLICA_ROOTS: tmpdir() },
    dataDir,
    host: "127.0.0.1",
    port,
  });
}

async function api(method: string, url: string, body?: unknown) {
  const res = await fetch(core!.url + url, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

beforeAll(async () => {
  smtp = await startSmtp();
  dir = await tmpDir("borela-core-restart-");
  port = await freePort();
});

afterAll(async () => {
  await agent?.stop();
  await core?.close();
  await smtp?.close();
  await dir?.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a planned restart of the core", () => {
  it(`down ${DOWN_SECONDS} s (grace ${GRACE_SECONDS} s): no silent incident, no email; a real silence after it still alerts`, async () => {
    core = await start();
    const created = await api("POST", "/api/v1/projects", { name: "steady", heartbeatGraceSeconds: GRACE_SECONDS, staleAfterSeconds: 600 });
    expect(created.status).toBe(201);
    const { id: projectId, agentToken } = created.body as { id: string; agentToken: string };
    // A passing drill on record, so the project's first automatic drill stays out of this story.
    const drilledAt = new Date(Date.now() - 3_600_000);
    await core.store.drill.create({ data: { id: newId(), projectId, status: "passed", queuedAt: drilledAt, finishedAt: drilledAt } });
    const dbPath = path.join(dir.path, "app.sqlite3");
    createDatabase(dbPath, 20);
    agent = await runAgent({ server: core.url, token: agentToken, databases: [dbPath], replicaUrl: `file://${path.join(dir.path, "replica")}`, dir: dir.path, intervalSeconds: 1 });
    await waitFor(async () => ((await api("GET", `/api/v1/projects/${projectId}`)).body.status === "fresh" ? true : null), { timeoutMs: 30_000, what: "fresh" });

    await core.close();
    core = null;
    const downAt = Date.now();
    await sleep(DOWN_SECONDS * 1000);
    core = await start();
    const startedAt = Date.now();
    console.info(`core-restart: the core was down ${((startedAt - downAt) / 1000).toFixed(1)} s`);
    // Past the grace from the start, the agent heard from again all along.
    await sleep((GRACE_SECONDS + 4) * 1000);
    const detail = (await api("GET", `/api/v1/projects/${projectId}`)).body;
    expect(detail.status).toBe("fresh");
    expect(Date.parse(detail.lastHeartbeatAt)).toBeGreaterThan(startedAt);
    expect(await core.store.incident.count({ where: { projectId, kind: "silent" } })).toBe(0);
    await sleep(2_500); // a dispatcher tick
    expect(smtp.messages.map((m) => m.subject)).toEqual([]);

    // A real silence after the restart is still announced, its length counted from the last heartbeat.
    await agent.stop();
    agent = null;
    const silent = await waitFor(() => smtp.messages.find((m) => m.subject?.startsWith("[Borela] SILENT: steady ")), { timeoutMs: 30_000, what: "the SILENT email" });
    expect(silent.subject).toMatch(/no heartbeat for \d+s$/);
    expect(smtp.messages).toHaveLength(1);
  }, 120_000);
});
