// Issue 14: GET /api/v1/projects/:id kept "no heartbeat for 42 s" from the sweep that wrote it while the
// dashboard counted on. A real core sweeping every second: the project turns silent, time passes, the API's
// duration grows with it, and the stored row (status reasons, the incident's reason) is not rewritten.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";
import { sleep, waitFor } from "../support/wait-for.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1" });
});
afterAll(async () => {
  await core?.close();
});

const seconds = (reason: string) => Number(/^no heartbeat for (\d+)s \(grace 2s\): is the agent running\?$/.exec(reason)?.[1]);

describe("the silent reason through the API", () => {
  it("grows with time at read, the stored row stays as the sweep wrote it", async () => {
    const p = await core.createProject("hushed", { heartbeatGraceSeconds: 2 });
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() })).status).toBe(201);
    const lastAt = (await core.store.project.findUniqueOrThrow({ where: { id: p.id } })).lastHeartbeatAt!;
    const first = await waitFor(async () => {
      const d = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
      return d.status === "silent" ? d : null;
    }, { timeoutMs: 10_000, intervalMs: 200, what: "silent" });
    const row = await core.store.project.findUniqueOrThrow({ where: { id: p.id } });
    const incident = await core.store.incident.findFirstOrThrow({ where: { projectId: p.id, kind: "silent" } });

    await sleep(4_000); // four sweeps
    const later = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
    const readAt = Date.now();
    const [a, b] = [seconds(first.statusReasons[0]), seconds(later.statusReasons[0])];
    expect(b - a).toBeGreaterThanOrEqual(3);
    // The API and a clock counting from the last heartbeat agree.
    expect(Math.abs(b - (readAt - lastAt.getTime()) / 1000)).toBeLessThanOrEqual(1.5);
    expect(later.databases[0].statusReasons[0]).toBe(later.statusReasons[0]);

    const rowLater = await core.store.project.findUniqueOrThrow({ where: { id: p.id } });
    expect(rowLater.statusReasons).toBe(row.statusReasons);
    expect(JSON.parse(rowLater.statusReasons)).toEqual([`no heartbeat since ${lastAt.toISOString()} (grace 2s): is the agent running?`]);
    const incidentLater = await core.store.incident.findUniqueOrThrow({ where: { id: incident.id } });
    expect(incidentLater.reason).toBe(incident.reason);
    // The incidents list words it the same way.
    const [listed] = (await core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body;
    expect(listed.reason).toMatch(/^no heartbeat for \d+s \(grace 2s\): is the agent running\?$/);
  });
});
