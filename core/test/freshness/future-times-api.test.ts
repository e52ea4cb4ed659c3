// Fault: the core trusted an agent's clock. A real core: a heartbeat says pendingSince is a year ahead and the
// last backup is in 2027; what the core stores and shows is capped at its receive time, and the project turns
// stale staleAfter after that receive time (not a year later). A second project gets an honest heartbeat,
// stored exactly as sent.
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

const YEAR_MS = 365 * 86_400_000;

describe("reported times ahead of the core", () => {
  it("are capped at the receive time; the project turns stale staleAfter after it", async () => {
    const p = await core.createProject("future", { staleAfterSeconds: 3, heartbeatGraceSeconds: 120 });
    const body = heartbeat({ pendingSince: new Date(Date.now() + YEAR_MS) });
    body.databases[0] = { ...(body.databases[0] as object), replicas: [{ ...(body.databases[0] as any).replicas[0], lastSnapshotAt: "2027-06-01T00:00:00Z", lastWalAt: "2027-06-01T00:00:01Z" }] };
    const before = Date.now();
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body })).status).toBe(201);
    const after = Date.now();

    const replica = await core.store.replica.findFirstOrThrow({ where: { database: { projectId: p.id } } });
    for (const t of [replica.pendingSince!, replica.lastSnapshotAt!, replica.lastWalAt!]) {
      expect(t.getTime()).toBeGreaterThanOrEqual(before);
      expect(t.getTime()).toBeLessThanOrEqual(after);
    }
    // The sweeper evaluates right after ingest: wait for its first verdict.
    const view = await waitFor(async () => {
      const v = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
      return v.status === "unknown" ? null : v;
    }, { timeoutMs: 2_500, intervalMs: 50, what: "first verdict" });
    expect(Date.parse(view.lastBackupAt)).toBeLessThanOrEqual(after);
    expect(view.status).toBe("fresh");
    expect(view.statusReasons).toEqual(["app: replication in progress"]);

    const stale = await waitFor(async () => {
      const v = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
      return v.status === "stale" ? v : null;
    }, { timeoutMs: 15_000, intervalMs: 200, what: "stale" });
    const turnedAt = Date.now();
    // 3 s threshold from the receive time, plus one sweep interval (1 s) and polling.
    expect(turnedAt - before).toBeGreaterThanOrEqual(3_000);
    expect(turnedAt - after).toBeLessThanOrEqual(6_000);
    expect(stale.statusReasons[0]).toMatch(/^changes to app unreplicated for \d+s on file:\/\/\/backups\/app \(threshold 3s\)$/);
  });

  it("leaves an honest heartbeat's times as the agent sent them", async () => {
    const p = await core.createProject("honest", { staleAfterSeconds: 300, heartbeatGraceSeconds: 120 });
    const pendingSince = new Date(Date.now() - 2_000);
    const body = heartbeat({ pendingSince });
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body })).status).toBe(201);
    const replica = await core.store.replica.findFirstOrThrow({ where: { database: { projectId: p.id } } });
    const sent = (body.databases[0] as any).replicas[0];
    expect(replica.pendingSince!.toISOString()).toBe(pendingSince.toISOString());
    expect(replica.lastSnapshotAt!.toISOString()).toBe(sent.lastSnapshotAt);
    expect(replica.lastWalAt!.toISOString()).toBe(sent.lastWalAt);
    const [history] = (await core.api("GET", `/api/v1/projects/${p.id}/heartbeats`)).body;
    expect(history.payload).toEqual(body);
  });
});
