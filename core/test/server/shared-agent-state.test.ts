// Issue 20 item 2: two real core processes (`borela serve`) on one PostgreSQL store answer an agent alike,
// whichever of them its request reaches:
// - GET /api/v1/agent/config's budget per agent token is counted across both (was: each core its own, so
//   two cores allowed twice the calls) and both hand out the credentials of one AssumeRole (was: one each);
// - an agent that comes with a revoked token to the core that does not sweep gets its silence worded
//   "revoked agent token" by the core that does (was: only the core that saw the token knew).
// STS cannot run here: a plain HTTP server on loopback stands in for it and counts the AssumeRole calls.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_CONFIG_BUDGET } from "../../src/server/agent-config-budget.ts";
import { heartbeat } from "../support/core-server.ts";
import { adminApi } from "../support/admin-api.ts";
import { startCoreProcess, type CoreProcess as Core } from "../support/core-process.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";

const ADMIN = "bradm_shared_agent_state_test";
const api = adminApi(ADMIN);

let cluster: PostgresCluster;
let dirs: TmpDir[] = [];
let sts: http.Server;
let assumed = 0;
const cores: Core[] = [];

const assumeRoleXml = (n: number) =>
  `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
<AccessKeyId>ASIASHARED${n}</AccessKeyId><SecretAccessKey>shared-secret-${n}</SecretAccessKey><SessionToken>shared-session-${n}</SessionToken>
<Expiration>2031-01-02T03:04:05Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r${n}</RequestId></ResponseMetadata></AssumeRoleResponse>`;

beforeAll(async () => {
  sts = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "text/xml" }).end(assumeRoleXml(++assumed)));
  });
  await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
  cluster = await startPostgres();
  const url = await cluster.createDatabase("shared_agent");
  dirs = await Promise.all([tmpDir("borela-shared-a-"), tmpDir("borela-shared-b-")]);
  const env = (i: number) => ({
    BORELA_DATA_DIR: dirs[i].path,
    BORELA_DATABASE_URL: url,
    BORELA_ADMIN_TOKEN: ADMIN,
    BORELA_SECRET_KEY: "shared-agent-state-test-secret-key-0123456789",
    BORELA_SWEEP_INTERVAL_SECONDS: "1",
    BORELA_S3_BUCKET: "borela-managed",
    BORELA_S3_ENDPOINT: endpoint,
    BORELA_S3_ACCESS_KEY_ID: "OPERATORKEY",
    BORELA_S3_SECRET_ACCESS_KEY: "operator-secret-value",
    BORELA_S3_ROLE_ARN: "arn:aws:iam::123456789012:role/borela-agents",
  });
  cores.push(...(await Promise.all([startCoreProcess("a", env(0)), startCoreProcess("b", env(1))])));
}, 180_000);

afterAll(async () => {
  await Promise.all(cores.map((c) => c.kill9()));
  await new Promise<void>((resolve) => (sts ? sts.close(() => resolve()) : resolve()));
  await cluster?.stop();
  await Promise.all(dirs.map((d) => d.remove()));
});

async function agentConfig(core: Core, token: string) {
  const res = await fetch(`${core.url}/api/v1/agent/config`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
}

describe("two core processes on one PostgreSQL store", () => {
  it("count one agent config budget per token between them and share one AssumeRole", async () => {
    const [a, b] = cores;
    const p = (await api(a, "POST", "/api/v1/projects", { name: "configured" })).body;
    const statuses: number[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < 2 * AGENT_CONFIG_BUDGET.calls; i++) {
      const res = await agentConfig(i % 2 === 0 ? a : b, p.agentToken);
      statuses.push(res.status);
      if (res.status === 200) keys.add(res.body.storage.accessKeyId);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(AGENT_CONFIG_BUDGET.calls);
    expect(statuses.filter((s) => s === 429)).toHaveLength(AGENT_CONFIG_BUDGET.calls);
    expect(assumed).toBe(1);
    expect([...keys]).toEqual(["ASIASHARED1"]);
  }, 60_000);

  it("word a silence 'revoked agent token' in the sweeping core when the revoked token reached the other", async () => {
    const [a, b] = cores;
    const p = (await api(a, "POST", "/api/v1/projects", { name: "revoked-elsewhere", heartbeatGraceSeconds: 3 })).body;
    expect((await api(a, "POST", "/api/v1/heartbeats", heartbeat({ sequence: 0 }), p.agentToken)).status).toBe(201);
    const [token] = (await api(a, "GET", `/api/v1/projects/${p.id}/tokens`)).body;
    const revoked = await fetch(`${a.url}/api/v1/projects/${p.id}/tokens/${token.id}`, { method: "DELETE", headers: { authorization: `Bearer ${ADMIN}` } });
    expect(revoked.status).toBe(204);

    // The core that does not hold the sweep's lease is the one the agent reaches with its revoked token.
    const holder = await waitFor(
      async () => ((await api(a, "GET", "/healthz?details=true")).body.details.leases as { name: string; holder: string | null }[]).find((l) => l.name === "sweep")?.holder ?? null,
      { timeoutMs: 15_000, what: "the sweep's lease holder" },
    );
    const sweeping = cores.find((c) => holder.includes(`:${c.child.pid}:`))!;
    const other = sweeping === a ? b : a;
    expect(sweeping).toBeDefined();
    await waitFor(async () => (await api(other, "POST", "/api/v1/heartbeats", heartbeat({ sequence: 1 }), p.agentToken)).status === 401, { timeoutMs: 5_000, what: "the revoked token refused" });

    const silent = await waitFor(
      async () => {
        const project = (await api(sweeping, "GET", `/api/v1/projects/${p.id}`)).body;
        return project.status === "silent" ? project : null;
      },
      { timeoutMs: 30_000, what: "the project silent" },
    );
    expect(silent.statusReasons.join(" ")).toMatch(/revoked agent token/);
    expect((await api(sweeping, "GET", "/healthz?details=true")).body.details.leases.find((l: { name: string }) => l.name === "sweep").holder).toBe(holder);
  }, 90_000);
});
