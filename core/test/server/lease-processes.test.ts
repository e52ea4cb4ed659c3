// Issue 20 item 2: two real core processes on one SQLite store (started at once: both migrate the fresh
// file) with 1 s sweeps. Each pings its own self-heartbeat path after every completed sweep, so the
// receiver counts each process's sweeps. Over a 15 s window with an agent heartbeating through both, every
// sweep runs in exactly one process and the agent's silence opens one incident; then the holder is
// kill -9'd and the other takes the sweep over once the lease (10 s: the floor over 3 periods) ran out,
// not before. A graceful stop lets the lease go. (Two `borela serve` on one data dir are refused by its
// lock, server/data-dir-lock.ts: the children run startServer, which serve runs once it holds the dir.)
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile } from "../../src/store/db.ts";
import { heartbeat } from "../support/core-server.ts";
import { adminApi, readRows } from "../support/admin-api.ts";
import { startCoreProcess, type CoreProcess as Core } from "../support/core-process.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { sleep, waitFor } from "../support/wait-for.ts";

const ADMIN = "bradm_lease_processes_test";
const LEASE_MS = 10_000; // lease-terms.ts: max(MIN_LEASE_MS, 3 x 1 s)

const pings: Record<string, number[]> = { a: [], b: [] };
let receiver: http.Server;
let dir: TmpDir;
const cores: Core[] = [];

function startCore(name: string, port: number): Promise<Core> {
  return startCoreProcess(name, {
    BORELA_DATA_DIR: dir.path,
    BORELA_ADMIN_TOKEN: ADMIN,
    // Cores sharing a store share its secret key; a generated key file is written by whoever starts first.
    BORELA_SECRET_KEY: "lease-processes-test-secret-key-0123456789",
    BORELA_SWEEP_INTERVAL_SECONDS: "1",
    BORELA_SELF_HEARTBEAT_URL: `http://127.0.0.1:${port}/ping/${name}`,
    BORELA_LOG_LEVEL: "info",
  }, { entry: "child" });
}

const api = adminApi(ADMIN);

function query<T>(sql: string, ...args: unknown[]): T[] {
  return readRows<T>(databaseFile(dir.path), sql, ...args);
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const name = /^\/ping\/(\w+)$/.exec(req.url ?? "")?.[1];
    if (name && pings[name]) pings[name].push(Date.now());
    res.writeHead(200).end("OK");
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  dir = await tmpDir("borela-lease-processes-");
});
afterAll(async () => {
  await Promise.all(cores.map((c) => c.kill9()));
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await dir?.remove();
});

describe("two core processes on one SQLite store", () => {
  it("sweep once per period in one process, open one incident for a silence, and hand the sweep over after a kill -9", async () => {
    const { port } = receiver.address() as AddressInfo;
    cores.push(...(await Promise.all([startCore("a", port), startCore("b", port)])));
    const [a, b] = cores;
    const windowStart = Date.now();

    // An agent heartbeats through both cores for 6 s, then goes silent (grace 3 s).
    const project = (await api(a, "POST", "/api/v1/projects", { name: "shared", heartbeatGraceSeconds: 3 })).body;
    for (let i = 0; i < 12; i++) {
      const res = await api(i % 2 ? b : a, "POST", "/api/v1/heartbeats", heartbeat({ sequence: i, agentId: "agent-1" }), project.agentToken);
      expect(res.status).toBe(201);
      await sleep(500);
    }
    await sleep(Math.max(0, windowStart + 15_000 - Date.now()));
    const windowEnd = Date.now();

    // Exactly one process swept: ~one sweep a second, never two within a period.
    const inWindow = (name: string) => pings[name].filter((t) => t >= windowStart && t <= windowEnd);
    const [holder, other] = inWindow("a").length > 0 ? [a, b] : [b, a];
    expect(inWindow(other.name)).toEqual([]);
    const swept = inWindow(holder.name);
    expect(swept.length).toBeGreaterThanOrEqual(10);
    expect(swept.length).toBeLessThanOrEqual(17);
    const gaps = swept.slice(1).map((t, i) => t - swept[i]);
    expect(Math.min(...gaps)).toBeGreaterThan(500);

    // The silence was judged once: one silent incident, one "opened" transition.
    const silent = query<{ id: string }>(`SELECT id FROM "Incident" WHERE "projectId" = ? AND kind = 'silent'`, project.id);
    expect(silent).toHaveLength(1);
    expect(query(`SELECT id FROM "IncidentTransition" WHERE "incidentId" = ? AND event = 'opened'`, silent[0].id)).toHaveLength(1);

    // Both cores report the sweep lease's holder and the last run by any core.
    const holderId = (c: Core) => new RegExp(`^[^:]+:${c.child.pid}:[0-9a-f]{8}$`);
    for (const c of [a, b]) {
      const health = await api(c, "GET", "/healthz?details=true");
      expect(health.status).toBe(200);
      const sweep = health.body.details.leases.find((l: { name: string }) => l.name === "sweep");
      expect(sweep.holder).toMatch(holderId(holder));
      expect(sweep.lastRunBy).toMatch(holderId(holder));
      // A run is recorded with the holder's next claim: at most a period and a run behind.
      expect(Date.now() - Date.parse(sweep.lastRunAt)).toBeLessThan(4_000);
      expect(sweep.runs).toBeGreaterThanOrEqual(swept.length - 1);
      expect(health.body.details.leases.map((l: { name: string }) => l.name)).toEqual(["drill-schedule", "storage-listing", "sweep"]);
    }

    // kill -9 the holder: the other takes the sweep over once the lease ran out, not before.
    const lastHolderPing = pings[holder.name].at(-1)!;
    const killed = holder.kill9();
    const killedAt = Date.now();
    await killed;
    const takeover = await waitFor(() => pings[other.name].find((t) => t > killedAt) ?? null, { timeoutMs: LEASE_MS + 8_000, intervalMs: 100, what: "the survivor's first sweep" });
    expect(takeover - killedAt).toBeLessThanOrEqual(LEASE_MS + 2_000);
    expect(takeover - lastHolderPing).toBeGreaterThanOrEqual(LEASE_MS - 1_000);
    expect(other.output()).toMatch(/"lease":"sweep".*"msg":"lease taken: this core runs the job"/);
    await waitFor(() => pings[other.name].filter((t) => t > takeover).length >= 2 || null, { timeoutMs: 5_000, what: "the survivor sweeping on" });
    const survivor = (await api(other, "GET", "/healthz?details=true")).body.details.leases.find((l: { name: string }) => l.name === "sweep");
    expect(survivor.holder).toMatch(holderId(other));
    expect(survivor.lastRunBy).toMatch(holderId(other));

    // A graceful stop lets the lease go at once.
    await other.stop();
    const [row] = query<{ until: string; holder: string }>(`SELECT "until", holder FROM "Lease" WHERE name = 'sweep'`);
    expect(row.holder).toMatch(holderId(other));
    expect(Date.parse(row.until)).toBeLessThanOrEqual(Date.now());
  }, 75_000);
});
