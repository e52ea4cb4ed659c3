import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";
import { sweepProject } from "../../src/freshness/sweeper.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
});

async function send(token: string, hb: ReturnType<typeof heartbeat>) {
  const res = await core.api("POST", "/api/v1/heartbeats", { token, body: hb });
  expect(res.status).toBe(201);
  await core.app.sweeper.idle();
}

async function project(id: string) {
  return (await core.api("GET", `/api/v1/projects/${id}`)).body;
}

async function incidents(id: string) {
  return (await core.api("GET", `/api/v1/projects/${id}/incidents`)).body as any[];
}

describe("freshness transitions recorded as incidents", () => {
  it("stale opens one incident naming the database, caught up resolves it", async () => {
    const p = await core.createProject("transitions", { staleAfterSeconds: 60 });
    await send(p.agentToken, heartbeat({ pendingSince: new Date(Date.now() - 10_000) }));
    expect((await project(p.id)).status).toBe("fresh");

    await send(p.agentToken, heartbeat({ pendingSince: new Date(Date.now() - 120_000) }));
    const stale = await project(p.id);
    expect(stale.status).toBe("stale");
    expect(stale.statusReasons[0]).toMatch(/changes to app unreplicated for 2 min/);
    expect(stale.databases[0].lagSeconds).toBeGreaterThanOrEqual(119);

    await send(p.agentToken, heartbeat({ pendingSince: new Date(Date.now() - 130_000) }));
    let list = await incidents(p.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: "stale", database: "app", open: true });

    await send(p.agentToken, heartbeat({ pendingSince: null }));
    expect((await project(p.id)).status).toBe("fresh");
    list = await incidents(p.id);
    expect(list).toHaveLength(1);
    expect(list[0].open).toBe(false);
    expect(list[0].resolvedAt).not.toBeNull();
  });

  it("error names the missing file and resolves when it is back", async () => {
    const p = await core.createProject("moved-file");
    await send(p.agentToken, heartbeat({ exists: false }));
    const v = await project(p.id);
    expect(v.status).toBe("error");
    expect(v.statusReasons).toContain("database file missing at /data/app.sqlite3");
    await send(p.agentToken, heartbeat());
    const list = await incidents(p.id);
    expect(list.map((i) => [i.kind, i.open])).toEqual([["error", false]]);
  });

  it("silent after the grace, found by the periodic sweep, and back to fresh with the next heartbeat", async () => {
    const p = await core.createProject("silent", { heartbeatGraceSeconds: 30 });
    await send(p.agentToken, heartbeat());
    const later = new Date(Date.now() + 31_000);
    expect(await sweepProject(core.store, (id) => core.app.heartbeatWriter.sweepInput(id), p.id, later)).toBe("silent");
    const v = await project(p.id);
    expect(v.status).toBe("silent");
    expect(v.statusReasons[0]).toMatch(/no heartbeat for 3\ds \(grace 30s\)/);
    expect((await incidents(p.id)).map((i) => [i.kind, i.open])).toEqual([["silent", true]]);
    await send(p.agentToken, heartbeat());
    expect((await project(p.id)).status).toBe("fresh");
    expect((await incidents(p.id)).map((i) => [i.kind, i.open])).toEqual([["silent", false]]);
  });
});
