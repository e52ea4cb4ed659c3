// Fault: a real core said "replicas caught up" for a replica reported at TXID 5 behind its database at TXID 20
// (pendingSince null). The status stays fresh (honest agents send that between storage reads); the words say
// replication is in progress. A replica ahead of its database adds no reason (an honest agent's read order shows
// one for a heartbeat on a steady writer).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";
import { waitFor } from "../support/wait-for.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1" });
});
afterAll(async () => {
  await core?.close();
});

const txid = (n: number) => ({ generation: null, index: 0, offset: n, txid: n });

function v5Heartbeat(database: number, replica: number) {
  const body = heartbeat();
  const d = body.databases[0] as any;
  body.litestreamVersion = "v0.5.16";
  body.databases[0] = { ...d, position: txid(database), replicas: [{ ...d.replicas[0], generation: null, position: txid(replica), pendingSince: null }] };
  return body;
}

async function verdictAfter(token: string, projectId: string, body: unknown, sentAfter: number) {
  expect((await core.api("POST", "/api/v1/heartbeats", { token, body })).status).toBe(201);
  return waitFor(async () => {
    const v = (await core.api("GET", `/api/v1/projects/${projectId}`)).body;
    return v.status !== "unknown" && Date.parse(v.lastHeartbeatAt) >= sentAfter ? v : null;
  }, { timeoutMs: 5_000, intervalMs: 50, what: "verdict" });
}

describe("replica positions against the database's, through a real core", () => {
  it("words a replica behind as in progress, an even one and an ahead one as caught up", async () => {
    const p = await core.createProject("reach", { staleAfterSeconds: 300, heartbeatGraceSeconds: 120 });
    let t = Date.now() - 1;
    const behind = await verdictAfter(p.agentToken, p.id, v5Heartbeat(20, 5), t);
    expect([behind.status, behind.statusReasons]).toEqual(["fresh", ["app: replication in progress"]]);

    t = Date.now() - 1;
    const even = await waitFor(async () => {
      const v = await verdictAfter(p.agentToken, p.id, v5Heartbeat(20, 20), t);
      return v.statusReasons[0] === "app: replicas caught up" ? v : null;
    }, { timeoutMs: 8_000, intervalMs: 100, what: "caught up" });
    expect([even.status, even.statusReasons]).toEqual(["fresh", ["app: replicas caught up"]]);

    t = Date.now() - 1;
    const ahead = await verdictAfter(p.agentToken, p.id, v5Heartbeat(5, 20), t);
    expect([ahead.status, ahead.statusReasons]).toEqual(["fresh", ["app: replicas caught up"]]);
  });
});
