// Issue 20 item 4: the HA set-up end to end. Debian's PostgreSQL on loopback, one Redis, three `borela serve`
// processes (each its own data dir, one store) and two `borela worker`s. Two real agents (`borela agent` with
// Litestream replicating a real SQLite database to a file replica) and eight scripted agents heartbeat through
// one round-robin address in front of the live cores, so every core takes heartbeats.
//   1. The agents stop; once the first silence is judged, the sweep lease holder (from /healthz?details=true)
//      is kill -9'd: every project still gets exactly one silent incident with one "opened" transition (rows in
//      PostgreSQL) within the lease and a sweep, judged by a survivor, and each "opened" alert arrives.
//   2. The agents come back while the webhook receiver holds requests open; the core whose request is held is
//      kill -9'd: every "resolved" alert arrives, raw duplicates carry the same Idempotency-Key (and body),
//      no Delivery row is left pending or sending.
//   3. With two cores dead, a drill queued through the survivor completes on a worker (passed, the same
//      counts as a plain `litestream restore`); no drill is left queued or running, first drills included.
//   (A process kill -9'd mid-drill and the drill taken over: e2e/ha/drill-takeover.test.ts; a core killed mid-restore: e2e/crash/drill-kill.test.ts.)
//   4. Sessions signed in at each of the three cores (two of them dead now) are valid on the survivor.
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { restore } from "../../core/src/litestream/commands.ts";
import { resolveLitestreamBinFor } from "../../core/src/litestream/binary.ts";
import { SEND_LEASE_MS } from "../../core/src/alerts/deliver.ts";
import { countRows, createDatabase } from "../../core/test/litestream/live.ts";
import { heartbeat } from "../../core/test/support/core-server.ts";
import { startAgentProcess, startCoreProcess, startWorkerProcess, type ChildHandle, type CoreProcess } from "../../core/test/support/core-process.ts";
import { testLitestreamLine } from "../../core/test/support/litestream-line.ts";
import { startPostgres, type PostgresCluster } from "../../core/test/support/postgres.ts";
import { startRedis, type RedisServer } from "../../core/test/support/redis.ts";
import { socketOwner } from "../../core/test/support/socket-owner.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { sleep, waitFor } from "../../core/test/support/wait-for.ts";
import { startHeldReceiver, type HeldHook, type HeldReceiver } from "../../core/test/alerts/held-receiver.ts";
import { startRoundRobinProxy, type RoundRobinProxy } from "../support/round-robin-proxy.ts";

const ADMIN = "bradm_ha_three_cores";
const LEASE_MS = 10_000; // store/lease-terms.ts: max(MIN_LEASE_MS, 3 x the 1 s sweep)
const TICK_MS = 2_000; // alerts/dispatcher.ts DEFAULT_TICK_MS
const SCRIPTED = 8;
const ROWS = 300;

let dir: TmpDir;
let cluster: PostgresCluster;
let redis: RedisServer;
let receiver: HeldReceiver;
let proxy: RoundRobinProxy;
let db: pg.Client;
const cores: CoreProcess[] = [];
const workers: ChildHandle[] = [];
const agents: ChildHandle[] = [];

beforeAll(async () => {
  dir = await tmpDir("borela-ha-");
  [cluster, redis, receiver] = await Promise.all([startPostgres(), startRedis(), startHeldReceiver()]);
  proxy = await startRoundRobinProxy(() => cores.filter((c) => c.alive()).map((c) => c.url));
}, 90_000);

afterAll(async () => {
  closing = true;
  await Promise.all([...agents, ...workers, ...cores].map((c) => c.kill9()));
  receiver?.release();
  await db?.end().catch(() => undefined);
  await Promise.all([receiver?.close(), proxy?.close(), redis?.stop(), cluster?.stop()]);
  await dir?.remove();
});

/** An API call as the admin token, or as `token` (null: none), or with a session `cookie` instead. */
async function api(core: CoreProcess, method: string, url: string, options: { body?: unknown; token?: string | null; cookie?: string } = {}) {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? ADMIN : options.token;
  if (options.cookie) headers.cookie = options.cookie;
  else if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(core.url + url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function rows<T>(sql: string, ...args: unknown[]): Promise<T[]> {
  return (await db.query(sql, args)).rows as T[];
}

/** The pid in a lease holder id (`<host>:<pid>:<8 hex>`). */
const holderPid = (holder: string) => Number(holder.split(":").at(-2));

/** Scripted agents: one heartbeat a second each through the proxy until stop() (at most 3 minutes). */
let runs = 0;
let closing = false;
function scriptedUp(tokens: string[], staggerMs = 0): { stop(): Promise<void> } {
  const running = tokens.map(() => true);
  const run = runs++;
  const loops = tokens.map(async (token, n) => {
    for (let i = 0; running[n] && !closing && i < 180; i++) {
      const res = await fetch(`${proxy.url}/api/v1/heartbeats`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        // Each its own replica: one file replica reported by several projects is refused to the later ones.
        body: JSON.stringify(heartbeat({ sequence: i, agentId: `scripted-${n}-run-${run}` })).replace("file:///backups/app", `file:///backups/app-${n}`),
      });
      if (res.status !== 201) throw new Error(`scripted heartbeat answered ${res.status}: ${await res.text()}`);
      await sleep(1_000);
    }
  });
  return {
    // Staggered: the projects' silences begin apart, so the sweeps that judge them straddle the kill.
    stop: async () => {
      for (let n = 0; n < tokens.length; n++) {
        if (n > 0 && staggerMs > 0) await sleep(staggerMs);
        running[n] = false;
      }
      await Promise.all(loops);
    },
  };
}

const payload = (h: HeldHook) => JSON.parse(h.body) as { event: string; kind: string; idempotencyKey: string; project?: { id: string }; projectId?: string };
const identity = (h: HeldHook) => String(h.headers["idempotency-key"]);
const silentHooks = (event: string) => receiver.received.filter((h) => payload(h).kind === "silent" && payload(h).event === event);
const distinctIds = (hooks: HeldHook[]) => new Set(hooks.map(identity));

/** Raw duplicates carry one identity: the same Idempotency-Key header and body key, the same alert. */
function expectOneAlertPerIdentity(): Map<string, HeldHook[]> {
  const byIdentity = new Map<string, HeldHook[]>();
  for (const h of receiver.received) byIdentity.set(identity(h), [...(byIdentity.get(identity(h)) ?? []), h]);
  // Only what is measured at the attempt moves on: how long the silence lasted, the newest backup reported.
  const stable = (h: HeldHook) => {
    const { durationSeconds, reason, subject, headline, lastBackupAt, ...rest } = JSON.parse(h.body);
    return rest;
  };
  for (const [key, hooks] of byIdentity) {
    expect(hooks.every((h) => payload(h).idempotencyKey === key)).toBe(true);
    for (const h of hooks) expect(stable(h)).toEqual(stable(hooks[0]));
  }
  return byIdentity;
}

describe("three cores and two workers on PostgreSQL and Redis", () => {
  it("lose no transition, duplicate no alert and strand no drill when one core dies mid-sweep and another mid-delivery; sessions survive", async () => {
    onTestFailed(() => {
      for (const p of [...cores, ...workers, ...agents]) console.log(`--- ${p.name} (${p.alive() ? "alive" : "exited"}):\n${p.output().slice(-6_000)}`);
    });
    const databaseUrl = await cluster.createDatabase("borela_ha");
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const shared = {
      BORELA_DATABASE_URL: databaseUrl,
      BORELA_REDIS_URL: redis.url,
      BORELA_ADMIN_TOKEN: ADMIN,
      BORELA_SECRET_KEY: "ha-three-cores-secret-key-0123456789",
      BORELA_FILE_REPLICA_ROOTS: dir.path,
      BORELA_DRILL_LEASE_SECONDS: "5",
    };
    const coreEnv = (name: string) => ({
      ...shared,
      BORELA_DATA_DIR: path.join(dir.path, `core-${name}`),
      BORELA_SWEEP_INTERVAL_SECONDS: "1",
      BORELA_ALERT_CONFIRM_SECONDS: "0",
      BORELA_ALERT_RETRY_SECONDS: "1",
      BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true",
      BORELA_PUBLIC_URL: "https://borela.example.com",
    });
    // The first core migrates the fresh database; the others start on it.
    cores.push(await startCoreProcess("a", coreEnv("a")));
    cores.push(...(await Promise.all(["b", "c"].map((n) => startCoreProcess(n, coreEnv(n))))));
    workers.push(...(await Promise.all(["w1", "w2"].map((n) => startWorkerProcess(n, { ...shared, BORELA_DATA_DIR: path.join(dir.path, `worker-${n}`) })))));
    const [a, b, c] = cores;

    // A session signed in at each core.
    const cookies: string[] = [];
    for (const core of cores) {
      const signIn = await api(core, "POST", "/api/v1/session", { body: { token: ADMIN }, token: null });
      expect(signIn.status).toBe(200);
      cookies.push(signIn.headers.get("set-cookie")!.split(";")[0]);
    }
    expect((await api(a, "POST", "/api/v1/alert-channels", { body: { type: "webhook", target: receiver.url } })).status).toBe(201);

    // Two real agents, each replicating its own database, and eight scripted ones; all through the proxy.
    const real: { id: string; agentToken: string; file: string; replica: string }[] = [];
    for (const n of [1, 2]) {
      const p = (await api(cores[n], "POST", "/api/v1/projects", { body: { name: `real-${n}`, heartbeatGraceSeconds: 3 } })).body;
      const file = path.join(dir.path, `app-${n}.sqlite3`);
      createDatabase(file, ROWS);
      real.push({ ...p, file, replica: path.join(dir.path, `replica-${n}`) });
    }
    const scripted: { id: string; agentToken: string }[] = [];
    for (let n = 0; n < SCRIPTED; n++) scripted.push((await api(cores[n % 3], "POST", "/api/v1/projects", { body: { name: `scripted-${n}`, heartbeatGraceSeconds: 3 } })).body);
    const projects = [...real, ...scripted].map((p) => p.id);
    const agentEnv = (p: (typeof real)[number], n: number) => ({
      BORELA_SERVER: proxy.url,
      BORELA_AGENT_TOKEN: p.agentToken,
      BORELA_DATABASES: p.file,
      BORELA_REPLICA_URL: `file://${p.replica}`,
      BORELA_HEARTBEAT_INTERVAL_SECONDS: "1",
      BORELA_SAMPLE_INTERVAL_SECONDS: "1",
      BORELA_LITESTREAM_SYNC_INTERVAL: "200ms",
      BORELA_AGENT_STATUS_FILE: path.join(dir.path, `status-${n}.json`),
      BORELA_AGENT_STATE_DIR: path.join(dir.path, `agent-state-${n}`),
      BORELA_LITESTREAM_VERSION: testLitestreamLine(),
    });
    const startAgents = async () => agents.splice(0, agents.length, ...(await Promise.all(real.map((p, n) => startAgentProcess(`agent-${n}`, agentEnv(p, n))))));
    await startAgents();
    let scriptedAgents = scriptedUp(scripted.map((p) => p.agentToken), 500);

    // Every project fresh; every core answered heartbeats.
    await waitFor(async () => {
      const states = await Promise.all(projects.map(async (id) => (await api(c, "GET", `/api/v1/projects/${id}`)).body.status));
      return states.every((s) => s === "fresh") || null;
    }, { timeoutMs: 60_000, intervalMs: 500, what: "every project fresh" });
    for (const core of cores) expect(proxy.served.get(core.url) ?? 0, `heartbeats answered by core ${core.name}`).toBeGreaterThan(5);

    // 1. Silence, and kill -9 of the sweep lease holder once the first silence is judged.
    const openedBefore = silentHooks("opened").length;
    expect(openedBefore).toBe(0);
    const leases = (await api(a, "GET", "/healthz?details=true")).body.details.leases as { name: string; holder: string | null }[];
    const sweepHolder = cores.find((core) => core.child.pid === holderPid(leases.find((l) => l.name === "sweep")!.holder!))!;
    expect(sweepHolder).toBeDefined();
    const silentSince = Date.now();
    const stopping = Promise.all([scriptedAgents.stop(), ...agents.map((ag) => ag.stop())]);
    await waitFor(async () => (await rows(`SELECT id FROM "Incident" WHERE kind = 'silent'`)).length > 0 || null, { timeoutMs: 20_000, intervalMs: 20, what: "the first silent incident" });
    await sweepHolder.kill9();
    await stopping;
    const judgedBeforeKill = (await rows(`SELECT id FROM "Incident" WHERE kind = 'silent'`)).length;
    // The holder died with silences still to judge: the rest fall to a survivor.
    expect(judgedBeforeKill).toBeLessThan(projects.length);
    const killedAt = Date.now();
    const perProject = async () =>
      rows<{ projectId: string; incidents: string; opened: string }>(
        `SELECT p.id AS "projectId", count(DISTINCT i.id) AS incidents, count(t.id) AS opened
           FROM "Project" p LEFT JOIN "Incident" i ON i."projectId" = p.id AND i.kind = 'silent'
           LEFT JOIN "IncidentTransition" t ON t."incidentId" = i.id AND t.event = 'opened'
          GROUP BY p.id ORDER BY p.id`,
      );
    await waitFor(async () => (await perProject()).every((r) => Number(r.incidents) >= 1) || null, { timeoutMs: LEASE_MS + 15_000, intervalMs: 200, what: "a silent incident for every project" });
    const allSilentAt = Date.now();
    await sleep(2_000); // further sweeps by the survivors: none may open a second one
    const judged = await perProject();
    expect(judged.map((r) => r.projectId).sort()).toEqual([...projects].sort());
    expect(judged.filter((r) => Number(r.incidents) !== 1 || Number(r.opened) !== 1)).toEqual([]);
    expect(await rows(`SELECT id FROM "Incident" WHERE kind = 'silent' AND "resolvedAt" IS NOT NULL`)).toEqual([]);
    expect(allSilentAt - killedAt).toBeLessThanOrEqual(LEASE_MS + 5_000);
    const survivorLease = (await api(cores.find((core) => core.alive())!, "GET", "/healthz?details=true")).body.details.leases.find((l: { name: string }) => l.name === "sweep");
    expect(holderPid(survivorLease.holder)).not.toBe(sweepHolder.child.pid);
    await waitFor(() => distinctIds(silentHooks("opened")).size >= projects.length || null, { timeoutMs: SEND_LEASE_MS + 15_000, what: "every opened alert" });

    // 2. Recovery while the receiver holds requests; kill -9 the core whose request is held.
    const before = receiver.received.length;
    receiver.hold(true);
    await startAgents();
    scriptedAgents = scriptedUp(scripted.map((p) => p.agentToken), 500);
    const inFlight = await waitFor(() => receiver.received[before] ?? null, { timeoutMs: 30_000, what: "a held alert" });
    const live = cores.filter((core) => core.alive());
    const senderPid = socketOwner(inFlight.remotePort, live.map((core) => core.child.pid!));
    const sender = live.find((core) => core.child.pid === senderPid);
    expect(sender, "the held request's sender is a live core").toBeDefined();
    receiver.hold(false);
    await sender!.kill9();
    receiver.release();
    const survivor = cores.find((core) => core.alive())!;
    expect(cores.filter((core) => core.alive()).map((core) => core.name)).toEqual([survivor.name]);
    await waitFor(() => distinctIds(silentHooks("resolved")).size >= projects.length || null, { timeoutMs: SEND_LEASE_MS + 30_000, what: "every resolved alert" });
    // The held delivery went out again once the dead sender's lease ran out.
    await waitFor(() => receiver.received.filter((h) => identity(h) === identity(inFlight)).length >= 2 || null, { timeoutMs: SEND_LEASE_MS + 15_000, what: "the held alert's resend" });
    await sleep(2 * TICK_MS);
    const alertsChecked = receiver.received.length;
    expectOneAlertPerIdentity();
    expect(silentHooks("opened").length).toBeGreaterThanOrEqual(projects.length);
    expect(distinctIds(silentHooks("opened")).size).toBe(projects.length);
    expect(distinctIds(silentHooks("resolved")).size).toBe(projects.length);
    const unsent = await rows<{ status: string }>(`SELECT status FROM "Delivery" WHERE status IN ('pending', 'sending')`);
    expect(unsent).toEqual([]);

    // 3. A drill queued through the survivor completes on a worker, with a plain restore's counts.
    const queued = await api(survivor, "POST", `/api/v1/projects/${real[0].id}/drills`, { body: {} });
    expect(queued.status).toBe(202);
    const drill = await waitFor(async () => {
      const d = (await api(survivor, "GET", `/api/v1/drills/${queued.body.id}`)).body;
      return d.status === "queued" || d.status === "running" ? null : d;
    }, { timeoutMs: 60_000, intervalMs: 250, what: "the drill to finish" });
    expect(drill.status, JSON.stringify(drill).slice(0, 2000)).toBe("passed");
    const restored = path.join(dir.path, "restored.sqlite3");
    await restore({ replica: { type: "file", path: real[0].replica } }, { outputPath: restored, timeoutMs: 30_000, bin: resolveLitestreamBinFor(testLitestreamLine()) });
    expect(countRows(restored, "events")).toBe(ROWS);
    expect(drill.report.tables.events).toBe(countRows(restored, "events"));
    const [{ workerId }] = await rows<{ workerId: string }>(`SELECT "workerId" FROM "Drill" WHERE id = $1`, queued.body.id);
    const ranBy = [...workers, ...cores].find((p) => Number(workerId.split(":").at(-1)) === p.child.pid);
    expect(ranBy?.alive(), `drill ran by ${workerId}`).toBe(true);
    // No drill stuck, first drills included: a claim a dead process held runs out (5 s lease) and is run again.
    await waitFor(async () => (await rows(`SELECT id FROM "Drill" WHERE status IN ('queued', 'running')`)).length === 0 || null, { timeoutMs: 30_000, what: "no drill queued or running" });
    const drills = await rows<{ status: string; trigger: string }>(`SELECT status, "trigger" FROM "Drill" ORDER BY "queuedAt"`);
    expect(drills.filter((d) => d.status !== "passed")).toEqual([]);

    // 4. Every session, wherever it was signed in, is valid on the survivor.
    for (const cookie of cookies) {
      expect((await api(survivor, "GET", "/api/v1/session", { cookie })).body.signedIn).toBe(true);
      expect((await api(survivor, "GET", "/api/v1/sessions", { cookie })).status).toBe(200);
    }

    // Alerts sent since (a short grace on a loaded machine can open new silences) are one per identity too; nothing left unsent.
    await waitFor(async () => (await rows(`SELECT id FROM "Delivery" WHERE status IN ('pending', 'sending')`)).length === 0 || null, { timeoutMs: 20_000, what: "no delivery pending or sending" });
    const byIdentity = expectOneAlertPerIdentity();

    await scriptedAgents.stop();
    await Promise.all(agents.map((ag) => ag.stop()));
    console.log(
      JSON.stringify({
        served: Object.fromEntries([...proxy.served].map(([url, n]) => [cores.find((core) => core.url === url)?.name, n])),
        judgedBeforeKill,
        silentAfterKillMs: allSilentAt - killedAt,
        silentAfterStopMs: allSilentAt - silentSince,
        requests: receiver.received.length,
        later: receiver.received.slice(alertsChecked).map((h) => `${payload(h).kind}/${payload(h).event}`),
        identities: byIdentity.size,
        duplicates: [...byIdentity.values()].filter((h) => h.length > 1).map((h) => ({ event: payload(h[0]).event, sends: h.length, afterMs: h.map((x) => x.at - h[0].at) })),
        drillBy: ranBy?.name,
        drills: drills.map((d) => d.trigger),
      }),
    );
  }, 240_000);
});
