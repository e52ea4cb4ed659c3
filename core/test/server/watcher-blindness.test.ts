// Issue 20 "no single point of silence", t7 F1: while the watcher is blind (its store unreachable, its only
// core down) it refuses or never hears the agents' heartbeats; that is no silence of theirs. Real cores,
// real PostgreSQL (halted and resumed) and SQLite, agents simulated as the real one behaves: a report
// every second, kept in a queue and sent again (with its own sentAt) while the core answers with an error.
// - PostgreSQL, two cores: an outage longer than the grace opens no incident and sends no alert for the
//   agents that kept trying (was: every project opened `silent` at the first sweep after reconnect);
//   a project silent long before the outage keeps its one incident; an agent stopped just before the
//   outage (its deadline inside the gap) goes silent once, one grace after sight returned.
// - SQLite, one core killed (-9: its sweep lease left held) longer than the grace, then started again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heartbeat } from "../support/core-server.ts";
import { adminApi } from "../support/admin-api.ts";
import { startCoreProcess, type CoreProcess as Core } from "../support/core-process.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";

const ADMIN = "bradm_watcher_blindness_test";
const GRACE_S = 5;
const api = adminApi(ADMIN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let receiver: WebhookReceiver;
const dirs: TmpDir[] = [];
const cores: Core[] = [];

const env = (dir: TmpDir, extra: Record<string, string> = {}) => ({
  BORELA_DATA_DIR: dir.path,
  BORELA_ADMIN_TOKEN: ADMIN,
  BORELA_SECRET_KEY: "watcher-blindness-test-secret-key-0123456789",
  BORELA_SWEEP_INTERVAL_SECONDS: "1",
  BORELA_ALERT_CONFIRM_SECONDS: "0",
  BORELA_ALERT_RETRY_SECONDS: "1",
  BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true",
  ...extra,
});

/** The webhooks of project `name` (its channel's target carries ?p=<name>), as "event kind". */
const hooksOf = (name: string) =>
  receiver.received.filter((h) => h.path.endsWith(`?p=${name}`)).map((h) => {
    const body = JSON.parse(h.body) as { event: string; kind: string };
    return `${body.event} ${body.kind}`;
  });

async function project(core: Core, name: string) {
  const p = (await api(core, "POST", "/api/v1/projects", { name, heartbeatGraceSeconds: GRACE_S })).body;
  expect((await api(core, "POST", "/api/v1/alert-channels", { projectId: p.id, type: "webhook", target: `${receiver.url}?p=${name}` })).status).toBe(201);
  return p as { id: string; agentToken: string };
}

/**
 * An agent: a report every second to the given cores in turn; one the core did not take (error or no answer)
 * stays queued with its sentAt and goes first next time, as the real agent's queue does. At most 3 minutes.
 */
function agent(token: string, targets: () => Core[]) {
  let running = true;
  const queue: ReturnType<typeof heartbeat>[] = [];
  let seq = 0;
  const loop = (async () => {
    for (let i = 0; running && i < 180; i++) {
      queue.push(heartbeat({ sequence: seq++, agentId: `agent-${token.slice(-6)}` }));
      while (queue.length > 0) {
        const live = targets().filter((c) => c.alive());
        if (live.length === 0) break;
        const core = live[seq % live.length];
        const res = await fetch(`${core.url}/api/v1/heartbeats`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(queue[0]),
          signal: AbortSignal.timeout(3_000),
        }).catch(() => null);
        if (!res || res.status !== 201) break;
        queue.shift();
      }
      await sleep(1_000);
    }
  })();
  return {
    queued: () => queue.length,
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function incidents(core: Core, id: string): Promise<{ kind: string; resolvedAt: string | null }[]> {
  return (await api(core, "GET", `/api/v1/projects/${id}/incidents`)).body;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await Promise.all(cores.map((c) => c.kill9()));
  await receiver?.close();
  await Promise.all(dirs.map((d) => d.remove()));
});

describe("a blind watcher makes no silence of its own", () => {
  let cluster: PostgresCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  it("PostgreSQL halted longer than the grace under two cores: no incident for agents that kept trying; older silences kept, one caught by the gap found once", async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase("watcher_blindness");
    const [da, db] = await Promise.all([tmpDir("borela-blind-a-"), tmpDir("borela-blind-b-")]);
    dirs.push(da, db);
    const two = await Promise.all([startCoreProcess("a", env(da, { BORELA_DATABASE_URL: url })), startCoreProcess("b", env(db, { BORELA_DATABASE_URL: url }))]);
    cores.push(...two);
    const [a] = two;
    const [p1, p2, old, late] = [await project(a, "pg-one"), await project(a, "pg-two"), await project(a, "pg-old"), await project(a, "pg-late")];
    const agents = [p1, p2, old, late].map((p) => agent(p.agentToken, () => two));
    await sleep(3_000);

    // `old` stops long before the outage and goes silent (one incident, one alert).
    await agents[2].stop();
    await waitFor(() => hooksOf("pg-old").length >= 1 || null, { timeoutMs: 20_000, what: "pg-old's silence" });
    // `late` stops 2 s before the outage: its deadline falls inside it.
    await agents[3].stop();
    await sleep(2_000);
    await cluster.halt();
    await sleep(2 * GRACE_S * 1000); // longer than the grace and than 2 sweeps + 5 s
    await cluster.resume();
    const back = Date.now();

    // The queued reports go through once the cores reach PostgreSQL again; `late` is found one grace after.
    await waitFor(() => (agents[0].queued() === 0 && agents[1].queued() === 0) || null, { timeoutMs: 30_000, what: "the queued reports delivered" });
    await waitFor(() => hooksOf("pg-late").length >= 1 || null, { timeoutMs: 30_000, what: "pg-late's silence" });
    const lateFoundAfterMs = Date.now() - back;
    await sleep(3_000); // a second alert would be out by now (sweep 1 s, retry 1 s)
    await Promise.all([agents[0].stop(), agents[1].stop()]);

    expect({ one: hooksOf("pg-one"), two: hooksOf("pg-two"), old: hooksOf("pg-old"), late: hooksOf("pg-late") }).toEqual({
      one: [],
      two: [],
      old: ["opened silent"],
      late: ["opened silent"],
    });
    expect(await incidents(a, p1.id)).toEqual([]);
    expect(await incidents(a, p2.id)).toEqual([]);
    expect((await incidents(a, old.id)).map((i) => [i.kind, i.resolvedAt])).toEqual([["silent", null]]);
    expect((await incidents(a, late.id)).map((i) => [i.kind, i.resolvedAt])).toEqual([["silent", null]]);
    expect(lateFoundAfterMs).toBeGreaterThanOrEqual(GRACE_S * 1000 - 1_000);
    await Promise.all(two.map((c) => c.kill9()));
  }, 150_000);

  it("SQLite, its one core killed longer than the grace then started again: no incident for the agent that kept trying", async () => {
    const dir = await tmpDir("borela-blind-sqlite-");
    dirs.push(dir);
    const first = await startCoreProcess("s1", env(dir));
    cores.push(first);
    let live: Core[] = [first];
    const p = await project(first, "lite-one");
    const a = agent(p.agentToken, () => live);
    await sleep(3_000);
    await first.kill9();
    await sleep(GRACE_S * 1000 + 2_000);
    const second = await startCoreProcess("s2", env(dir));
    cores.push(second);
    live = [second];
    await waitFor(() => a.queued() === 0 || null, { timeoutMs: 30_000, what: "the queued reports delivered" });
    await sleep(GRACE_S * 1000 + 1_000); // past the grace from the restart: any silence would be judged
    await a.stop();
    expect(hooksOf("lite-one")).toEqual([]);
    expect(await incidents(second, p.id)).toEqual([]);
    expect((await api(second, "GET", `/api/v1/projects/${p.id}`)).body.status).toBe("fresh");
  }, 120_000);
});
