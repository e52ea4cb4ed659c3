// Issue 20 (F2, F3): PostgreSQL stopped under two real cores (`borela serve`) and started again.
// - a heartbeat and an admin GET answer 503 store_unavailable with Retry-After, naming the store (was: 500
//   "internal error" and a Prisma excerpt logged per request);
// - /healthz answers 503 store_unavailable on both cores within 2 s of the stop (was: 200 until the sweep went
//   stale, and the two cores disagreed), 200 again within 5 s of the start;
// - each core logs one "store unreachable since" and one "store reachable again" line, and its alert
//   dispatcher one "paused" line, its sweeper, drill queue and storage listing at most one, and none a per-pass failure; the
//   URL's password shows in no answer and no log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminApi } from "../support/admin-api.ts";
import { heartbeat } from "../support/core-server.ts";
import { startCoreProcess, type CoreProcess as Core } from "../support/core-process.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";

const ADMIN = "bradm_store_outage_test";
// The test cluster trusts loopback: the password is never checked, only looked for in answers and logs.
const PASSWORD = "outage-pw-7Qx2";
const api = adminApi(ADMIN);
const METRICS_TOKEN = "brmet_store_outage_scrape_0123456789";

let cluster: PostgresCluster;
let dirs: TmpDir[] = [];
const cores: Core[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
  const url = (await cluster.createDatabase("store_outage")).replace("borela@", `borela:${PASSWORD}@`);
  dirs = await Promise.all([tmpDir("borela-outage-a-"), tmpDir("borela-outage-b-")]);
  const env = (i: number) => ({
    BORELA_DATA_DIR: dirs[i].path,
    BORELA_DATABASE_URL: url,
    BORELA_ADMIN_TOKEN: ADMIN,
    BORELA_SECRET_KEY: "store-outage-test-secret-key-0123456789abcdef",
    BORELA_SWEEP_INTERVAL_SECONDS: "1",
    // The storage listing's timer runs through the outage too (was: one error line with a stack per pass).
    BORELA_LISTING_INTERVAL_SECONDS: "1",
    BORELA_METRICS_TOKEN: METRICS_TOKEN,
  });
  cores.push(...(await Promise.all([startCoreProcess("a", env(0)), startCoreProcess("b", env(1))])));
}, 180_000);

afterAll(async () => {
  await Promise.all(cores.map((c) => c.kill9()));
  await cluster?.stop();
  await Promise.all(dirs.map((d) => d.remove()));
});

async function get(core: Core, path: string, init: RequestInit = {}) {
  const res = await fetch(core.url + path, init);
  const text = await res.text();
  bodies.push(text);
  const json = (res.headers.get("content-type") ?? "").includes("json");
  return { status: res.status, retryAfter: res.headers.get("retry-after"), text, body: (json ? JSON.parse(text) : null) as any };
}

const healthz = (core: Core) => get(core, "/healthz?details=true");

/** Polls /healthz on every core every 100 ms until each answered `status` (503: store_unavailable); the ms it took, bounded by timeoutMs. */
async function allHealthz(status: 200 | 503, timeoutMs: number): Promise<number> {
  const start = Date.now();
  const answered = (h: { status: number; body: any }) => h.status === status && (status === 200 || h.body.error === "store_unavailable");
  await waitFor(async () => (await Promise.all(cores.map(healthz))).every(answered), { timeoutMs, intervalMs: 100, what: `/healthz ${status} on every core` }).catch((err) => {
    throw new Error(`${(err as Error).message}\n${cores.map((c) => `--- ${c.name} (alive: ${c.alive()})\n${c.output()}`).join("\n")}`);
  });
  return Date.now() - start;
}

describe("PostgreSQL stopped and started under two cores", () => {
  it("answers 503 store_unavailable everywhere while it is down and recovers alone, logging once each way", async () => {
    const [a, b] = cores;
    const project = (await api(a, "POST", "/api/v1/projects", { name: "outage" })).body;
    const postHeartbeat = (core: Core) =>
      get(core, "/api/v1/heartbeats", { method: "POST", headers: { authorization: `Bearer ${project.agentToken}`, "content-type": "application/json" }, body: JSON.stringify(heartbeat()) });
    expect((await postHeartbeat(b)).status).toBeLessThan(300);
    await allHealthz(200, 10_000);

    await cluster.halt();
    const downMs = await allHealthz(503, 2_000);
    for (const core of cores) {
      const h = await healthz(core);
      expect(h.body).toMatchObject({ ok: false, error: "store_unavailable", details: { store: "postgresql", storeReachable: { ok: false } } });
      expect(h.body.message).toContain(`PostgreSQL at 127.0.0.1:${cluster.port}`);
      expect(h.retryAfter).toBe("5");
    }

    for (const core of cores) {
      const hb = await postHeartbeat(core);
      expect(hb.status).toBe(503);
      expect(hb.retryAfter).toBe("5");
      expect(hb.body.error).toBe("store_unavailable");
      expect(hb.body.message).toMatch(new RegExp(`^the store \\(PostgreSQL at 127\\.0\\.0\\.1:${cluster.port}\\) cannot be reached: `));
      const list = await get(core, "/api/v1/projects", { headers: { authorization: `Bearer ${ADMIN}` } });
      expect(list.status).toBe(503);
      expect(list.body.error).toBe("store_unavailable");
      expect(list.retryAfter).toBe("5");
    }
    // A scrape still answers and says the store is down (s26 tester: /metrics was 503 like the API).
    for (const core of cores) {
      const scrape = await get(core, "/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scrape.status).toBe(200);
      expect(scrape.text).toMatch(/^borela_store_up 0$/m);
      expect(scrape.text).toMatch(/^process_cpu_user_seconds_total /m);
      expect(scrape.text).not.toContain("borela_project_status");
    }
    // A few dispatcher passes (every 2 s) and sweeps while down: none may log a line of its own.
    await new Promise((r) => setTimeout(r, 4_500));

    await cluster.resume();
    const upMs = await allHealthz(200, 5_000);
    expect((await postHeartbeat(a)).status).toBeLessThan(300);
    expect((await healthz(a)).body.details.storeReachable).toEqual({ ok: true });
    const scrape = await get(a, "/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(scrape.text).toMatch(/^borela_store_up 1$/m);
    expect(scrape.text).toMatch(/^borela_project_status\{project="outage",status="fresh"\} [01]$/m);
    // The recovery lines come from the cores' own 1 s rechecks and the dispatcher's next pass.
    await waitFor(() => cores.every((c) => /store reachable again after \d+ s/.test(c.output()) && /alert dispatch resumed/.test(c.output())), { timeoutMs: 10_000, what: "the recovery lines" }).catch((err) => {
      throw new Error(`${(err as Error).message}\n${cores.map((c) => `--- ${c.name}\n${c.output()}`).join("\n")}`);
    });

    for (const core of cores) {
      const out = core.output();
      const count = (re: RegExp) => (out.match(re) ?? []).length;
      expect(count(/store unreachable since /g), `${core.name}:\n${out}`).toBe(1);
      expect(count(/store reachable again after \d+ s/g), `${core.name}:\n${out}`).toBe(1);
      expect(count(/alert dispatch paused/g), `${core.name}:\n${out}`).toBe(1);
      expect(count(/alert dispatch failed/g), `${core.name}:\n${out}`).toBe(0);
      // The other timers: at most one line each way, no error with a Prisma excerpt per pass.
      expect(count(/freshness sweep paused/g), `${core.name}:\n${out}`).toBeLessThanOrEqual(1);
      expect(count(/freshness sweep failed/g), `${core.name}:\n${out}`).toBe(0);
      expect(count(/drill queue paused/g), `${core.name}:\n${out}`).toBeLessThanOrEqual(1);
      expect(count(/drill queue failed/g), `${core.name}:\n${out}`).toBe(0);
      expect(count(/storage listing paused/g), `${core.name}:\n${out}`).toBeLessThanOrEqual(1);
      expect(count(/storage listing failed/g), `${core.name}:\n${out}`).toBe(0);
      expect(count(/"request failed"/g), `${core.name}:\n${out}`).toBe(0);
      expect(out).not.toContain(PASSWORD);
    }
    expect(bodies.join("\n")).not.toContain(PASSWORD);
    console.log(`healthz 503 on both cores ${downMs} ms after the stop, 200 ${upMs} ms after the start`);
  }, 90_000);
});
