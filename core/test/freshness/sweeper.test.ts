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
    expect(await sweepProject(core.app.sweeper.store, p.id, later)).toBe("silent");
    const v = await project(p.id);
    expect(v.status).toBe("silent");
    // Swept with a clock 31 s ahead; the API words the silence at its own (real) time.
    expect(v.statusReasons[0]).toMatch(/^no heartbeat for \d+s \(grace 30s\): is the agent running\?$/);
    expect((await incidents(p.id)).map((i) => [i.kind, i.open])).toEqual([["silent", true]]);
    await send(p.agentToken, heartbeat());
    expect((await project(p.id)).status).toBe("fresh");
    expect((await incidents(p.id)).map((i) => [i.kind, i.open])).toEqual([["silent", false]]);
  });
});

function withReplica(hb: ReturnType<typeof heartbeat>, replica: Record<string, unknown>) {
  const [db] = hb.databases as { replicas: Record<string, unknown>[] }[];
  db.replicas[0] = { ...db.replicas[0], ...replica };
  return hb;
}

describe("never fresh before a backup exists (fault 10)", () => {
  it("a first heartbeat with no replica position and no snapshot is unknown, naming the database and replica; fresh once backed up", async () => {
    const p = await core.createProject("no-backup-yet");
    await send(p.agentToken, withReplica(heartbeat(), { position: null, generation: null, lastSnapshotAt: null, lastWalAt: null, storageBytes: 0 }));
    let v = await project(p.id);
    expect(v.status).toBe("unknown");
    expect(v.statusReasons).toEqual(["no backup yet: app has no snapshot on file:///backups/app"]);
    expect(v.databases[0].restoreCommands.litestream).toBe("litestream restore -o /tmp/app-restored.sqlite3 file:///backups/app");

    await send(p.agentToken, withReplica(heartbeat(), { position: null }));
    expect((await project(p.id)).statusReasons).toEqual(["no backup yet: app has no replicated position on file:///backups/app"]);

    await send(p.agentToken, heartbeat());
    v = await project(p.id);
    expect(v.status).toBe("fresh");
    expect(await incidents(p.id)).toEqual([]);
  });
});

describe("one incident per condition", () => {
  it("(i) an error whose wording changes keeps one open incident and updates its reason", async () => {
    const p = await core.createProject("rewording");
    await send(p.agentToken, heartbeat());
    const words = [
      "sync error: open /data/app.sqlite3: no such file or directory",
      "storage rejected the credentials",
      "deletes denied: retention is not running; storage grows",
    ];
    for (const w of words) {
      await send(p.agentToken, heartbeat({ errors: [w] }));
      expect((await project(p.id)).statusReasons).toEqual([w]);
    }
    const list = await incidents(p.id);
    expect(list.map((i) => [i.kind, i.open])).toEqual([["error", true]]);
    expect(list[0].reason).toBe(words[2]);
  });
});

describe("one incident per condition, with a confirmation delay", () => {
  let delayed: typeof core;
  beforeAll(async () => {
    delayed = await startTestCore({ BORELA_ALERT_CONFIRM_SECONDS: "error=30" });
  });
  afterAll(async () => {
    await delayed?.close();
  });
  const beat = async (token: string, hb: ReturnType<typeof heartbeat>) => {
    expect((await delayed.api("POST", "/api/v1/heartbeats", { token, body: hb })).status).toBe(201);
    await delayed.app.sweeper.idle();
  };
  const list = async (id: string) => (await delayed.api("GET", `/api/v1/projects/${id}/incidents`)).body as any[];

  it("(ii) fresh for a moment and back within the delay keeps the same incident; it resolves once fresh for the whole delay", async () => {
    const p = await delayed.createProject("flicker");
    await beat(p.agentToken, heartbeat());
    for (let i = 0; i < 4; i++) {
      await beat(p.agentToken, heartbeat({ lastError: "AccessDenied: deletes denied" }));
      expect((await delayed.api("GET", `/api/v1/projects/${p.id}`)).body.status).toBe("error");
      await beat(p.agentToken, heartbeat());
      expect((await delayed.api("GET", `/api/v1/projects/${p.id}`)).body.status).toBe("fresh");
    }
    let incidents = await list(p.id);
    expect(incidents.map((i) => [i.kind, i.open])).toEqual([["error", true]]);
    const row = await delayed.store.incident.findUniqueOrThrow({ where: { id: incidents[0].id } });
    expect(row.clearedAt).not.toBeNull();

    const read = delayed.app.sweeper.store;
    await sweepProject(read, p.id, new Date(row.clearedAt!.getTime() + 29_000), () => 30);
    expect((await list(p.id))[0].open).toBe(true);
    await sweepProject(read, p.id, new Date(row.clearedAt!.getTime() + 30_000), () => 30);
    incidents = await list(p.id);
    expect(incidents).toHaveLength(1);
    expect(incidents[0].open).toBe(false);
    expect(new Date(incidents[0].resolvedAt).getTime()).toBe(row.clearedAt!.getTime());
  });
});
