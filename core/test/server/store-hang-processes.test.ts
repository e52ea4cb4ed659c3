// A hung PostgreSQL (a failover or a network partition: connections open, nothing answers), as a fresh tester
// found it in s26: /healthz said 503 store_unavailable within a second, but API requests and agents' heartbeats
// got no answer at all (curl gave up after 30 s), and requests piled up in the cores. Now every query on the
// store's pools has a client-side timeout (store/postgres/pool.ts PG_QUERY_TIMEOUT_MS), a timed-out query means
// the store cannot be reached (503 store_unavailable), and while an outage is known every /api request answers
// 503 at once instead of joining the queue. The server is SIGSTOPped (support/postgres.ts freeze()).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminApi } from "../support/admin-api.ts";
import { heartbeat } from "../support/core-server.ts";
import { startCoreProcess, type CoreProcess as Core } from "../support/core-process.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { PG_QUERY_TIMEOUT_MS } from "../../src/store/postgres/pool.ts";

const ADMIN = "bradm_store_hang_test";
const api = adminApi(ADMIN);

let cluster: PostgresCluster;
let dir: TmpDir;
let core: Core;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase("store_hang");
  dir = await tmpDir("borela-hang-");
  core = await startCoreProcess("a", { BORELA_DATA_DIR: dir.path, BORELA_DATABASE_URL: url, BORELA_ADMIN_TOKEN: ADMIN, BORELA_SECRET_KEY: "store-hang-test-secret-key-0123456789abcdef" });
}, 180_000);

afterAll(async () => {
  cluster?.thaw();
  await core?.kill9();
  await cluster?.stop();
  await dir?.remove();
});

/** One request with its answer time; `ms` is the time to the answer, or the abort at `limitMs`. */
async function timed(path: string, init: RequestInit = {}, limitMs = PG_QUERY_TIMEOUT_MS + 10_000) {
  const t0 = Date.now();
  try {
    const res = await fetch(core.url + path, { ...init, signal: AbortSignal.timeout(limitMs) });
    const text = await res.text();
    return { status: res.status, ms: Date.now() - t0, retryAfter: res.headers.get("retry-after"), body: text.startsWith("{") ? JSON.parse(text) : text };
  } catch (err) {
    return { status: 0, ms: Date.now() - t0, retryAfter: null, body: String(err) };
  }
}

describe("a PostgreSQL that hangs under a core", () => {
  it("answers 503 store_unavailable: in-flight requests after the query timeout, later ones at once; recovers alone", async () => {
    const project = (await api(core, "POST", "/api/v1/projects", { name: "hang" })).body;
    const list = () => timed("/api/v1/projects", { headers: { authorization: `Bearer ${ADMIN}` } });
    const beat = () => timed("/api/v1/heartbeats", { method: "POST", headers: { authorization: `Bearer ${project.agentToken}`, "content-type": "application/json" }, body: JSON.stringify(heartbeat()) });
    expect((await list()).status).toBe(200);
    expect((await beat()).status).toBeLessThan(300);

    // The core's connections name themselves in pg_stat_activity (s26 tester: every application_name was empty).
    const admin = new pg.Client({ connectionString: cluster.url("store_hang") });
    await admin.connect();
    const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = 'store_hang' AND application_name = 'borela'`);
    await admin.end();
    expect(Number(rows[0].n)).toBeGreaterThan(0);

    cluster.freeze();
    // Requests sent before anything noticed: each waits for the query timeout at most, then 503.
    const first = await Promise.all([list(), beat()]);
    for (const r of first) {
      expect(r.status, `${JSON.stringify(r)}\n${core.output().split("\n").filter((l) => l.includes("request failed")).join("\n").slice(0, 4000)}`).toBe(503);
      expect(r.body.error).toBe("store_unavailable");
      expect(r.retryAfter).toBe("5");
      expect(r.ms).toBeLessThan(PG_QUERY_TIMEOUT_MS + 5_000);
    }
    // Known now: later requests answer at once.
    for (const r of [await list(), await beat(), await timed(`/api/v1/projects/${project.id}`, { headers: { authorization: `Bearer ${ADMIN}` } })]) {
      expect(r.status, JSON.stringify(r)).toBe(503);
      expect(r.body.error).toBe("store_unavailable");
      expect(r.ms).toBeLessThan(1_000);
    }
    const health = await timed("/healthz");
    expect(health.status).toBe(503);

    cluster.thaw();
    await waitFor(async () => ((await list()).status === 200 ? true : null), { timeoutMs: PG_QUERY_TIMEOUT_MS + 10_000, what: "the list answering again" });
    expect((await beat()).status).toBeLessThan(300);
    expect(core.output(), core.output().split("\n").filter((l) => /unreachable|reachable again/.test(l)).join("\n")).toMatch(/store unreachable since .*no answer/);
    expect(core.output()).toMatch(/store reachable again after \d+ s/);
    console.log(`first answers after the freeze: ${first.map((r) => `${r.status} in ${r.ms} ms`).join(", ")}`);
  }, 120_000);
});
