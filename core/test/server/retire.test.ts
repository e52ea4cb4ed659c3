// Fault 8 against the real core, heartbeats posted directly: a database the
// agent stops reporting turns error after MISSING_AFTER_HEARTBEATS heartbeats,
// DELETE /api/v1/projects/:id/databases/:databaseId retires it, and
// BORELA_MAX_DATABASES_PER_PROJECT caps what a heartbeat may add.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";
import { MISSING_AFTER_HEARTBEATS } from "../../src/freshness/status.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({ BORELA_MAX_DATABASES_PER_PROJECT: "2" });
});
afterAll(async () => {
  await core?.close();
});

/** A heartbeat reporting these databases, each caught up with one file replica. */
function beat(...names: string[]) {
  const template = heartbeat().databases[0] as { name: string; path: string; replicas: { url: string }[] };
  return heartbeat({
    databases: names.map((name) => ({
      ...template,
      name,
      path: `/data/${name}`,
      replicas: template.replicas.map((r) => ({ ...r, url: `file:///backups/${name}` })),
    })),
  });
}

async function send(token: string, body: unknown, status = 201) {
  const res = await core.api("POST", "/api/v1/heartbeats", { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  await core.app.sweeper.idle();
  return res;
}

const detail = async (id: string) => (await core.api("GET", `/api/v1/projects/${id}`)).body;
const incidents = async (id: string) => (await core.api("GET", `/api/v1/projects/${id}/incidents`)).body as any[];

describe("a database the agent stops reporting", () => {
  it("turns error after 3 heartbeats without it, keeps one incident, and is retired by DELETE", async () => {
    const p = await core.createProject("retire");
    await send(p.agentToken, beat("app.sqlite3", "jobs.sqlite3"));
    expect((await detail(p.id)).status).toBe("fresh");

    for (let i = 1; i < MISSING_AFTER_HEARTBEATS; i++) {
      await send(p.agentToken, beat("jobs.sqlite3"));
      expect((await detail(p.id)).status, `after ${i} heartbeat(s) without it`).toBe("fresh");
    }
    await send(p.agentToken, beat("jobs.sqlite3"));
    let v = await detail(p.id);
    expect(v.status).toBe("error");
    expect(v.statusReasons).toEqual(["the agent no longer reports app.sqlite3 — removed from its configuration?"]);
    const gone = v.databases.find((d: any) => d.name === "app.sqlite3");
    expect(gone.status).toBe("error");

    for (let i = 0; i < 3; i++) await send(p.agentToken, beat("jobs.sqlite3"));
    let list = await incidents(p.id);
    expect(list.map((x) => [x.kind, x.database, x.open])).toEqual([["error", "app.sqlite3", true]]);
    expect(list[0].reason).toBe("the agent no longer reports app.sqlite3 — removed from its configuration?");

    const res = await core.api("DELETE", `/api/v1/projects/${p.id}/databases/${gone.id}`);
    expect(res.status).toBe(200);
    expect(res.body.retired).toMatchObject({ id: gone.id, name: "app.sqlite3", resolvedIncidents: 1 });
    v = await detail(p.id);
    expect(v.status).toBe("fresh");
    expect(v.databases.map((d: any) => d.name)).toEqual(["jobs.sqlite3"]);
    list = await incidents(p.id);
    expect(list).toHaveLength(1);
    expect(list[0].open).toBe(false);

    // Reported again later: a new database, fresh, with a new id.
    await send(p.agentToken, beat("app.sqlite3", "jobs.sqlite3"));
    v = await detail(p.id);
    expect(v.status).toBe("fresh");
    const back = v.databases.find((d: any) => d.name === "app.sqlite3");
    expect(back.id).not.toBe(gone.id);
  });

  it("a database back in the heartbeats before the third miss never turns error", async () => {
    const p = await core.createProject("comes-back");
    await send(p.agentToken, beat("a", "b"));
    for (let round = 0; round < 3; round++) {
      for (let i = 1; i < MISSING_AFTER_HEARTBEATS; i++) await send(p.agentToken, beat("b"));
      await send(p.agentToken, beat("a", "b"));
      expect((await detail(p.id)).status).toBe("fresh");
    }
    expect(await incidents(p.id)).toEqual([]);
  });

  it("a queued, older heartbeat without the database does not count as leaving it out", async () => {
    const p = await core.createProject("late-heartbeat");
    await send(p.agentToken, beat("a", "b"));
    const old = beat("b");
    for (let i = 0; i < MISSING_AFTER_HEARTBEATS; i++) {
      await send(p.agentToken, { ...old, sentAt: new Date(Date.now() - 60_000 - i * 1000).toISOString(), sequence: i, agentId: "queued" });
    }
    expect((await detail(p.id)).status).toBe("fresh");
  });

  it("answers 404 naming the database id, and for an unknown project; admin only", async () => {
    const p = await core.createProject("retire-404");
    await send(p.agentToken, beat("a"));
    const unknown = await core.api("DELETE", `/api/v1/projects/${p.id}/databases/nope-123`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: "not_found", message: `database nope-123 in project ${p.id} not found` });
    const noProject = await core.api("DELETE", `/api/v1/projects/nope/databases/nope-123`);
    expect(noProject.status).toBe(404);
    expect(noProject.body.message).toBe("project nope not found");
    const db = (await detail(p.id)).databases[0];
    expect((await core.api("DELETE", `/api/v1/projects/${p.id}/databases/${db.id}`, { token: p.agentToken })).status).toBe(401);
    expect((await core.api("DELETE", `/api/v1/projects/${p.id}/databases/${db.id}`, { token: null })).status).toBe(401);
    // Another project's database id is unknown here.
    const other = await core.createProject("retire-other");
    expect((await core.api("DELETE", `/api/v1/projects/${other.id}/databases/${db.id}`)).status).toBe(404);
    expect((await detail(p.id)).databases).toHaveLength(1);
  });

  it("keeps finished drills as history and drops the ones still queued", async () => {
    const p = await core.createProject("retire-drills");
    await send(p.agentToken, beat("a"));
    const db = (await detail(p.id)).databases[0];
    const now = new Date();
    await core.store.drill.create({ data: { id: "d-passed", projectId: p.id, databaseId: db.id, databaseName: "a", status: "passed", finishedAt: now } });
    await core.store.drill.create({ data: { id: "d-queued", projectId: p.id, databaseId: db.id, databaseName: "a", status: "queued" } });
    const res = await core.api("DELETE", `/api/v1/projects/${p.id}/databases/${db.id}`);
    expect(res.body.retired).toMatchObject({ droppedDrills: 1 });
    const drills = await core.store.drill.findMany({ where: { projectId: p.id } });
    expect(drills.map((d) => [d.id, d.databaseId, d.databaseName])).toEqual([["d-passed", null, "a"]]);
  });
});

describe("BORELA_MAX_DATABASES_PER_PROJECT", () => {
  it("refuses a heartbeat that would exceed it with a 400 naming the field and the limit, and loses nothing stored", async () => {
    const p = await core.createProject("capped");
    await send(p.agentToken, beat("a", "b"));
    const before = await detail(p.id);
    const history = (await core.api("GET", `/api/v1/projects/${p.id}/heartbeats`)).body.length;

    const res = await send(p.agentToken, beat("a", "b", "c"), 400);
    expect(res.body.error).toBe("bad_request");
    expect(res.body.message).toMatch(/^databases: .*3 databases, over the limit of 2 per project \(BORELA_MAX_DATABASES_PER_PROJECT\)/);
    // A new name beside the stored ones counts too.
    await send(p.agentToken, beat("a", "c"), 400);

    const after = await detail(p.id);
    expect(after.databases.map((d: any) => [d.name, d.lastHeartbeatAt])).toEqual(before.databases.map((d: any) => [d.name, d.lastHeartbeatAt]));
    expect((await core.api("GET", `/api/v1/projects/${p.id}/heartbeats`)).body).toHaveLength(history);

    // Retiring one makes room.
    await core.api("DELETE", `/api/v1/projects/${p.id}/databases/${before.databases.find((d: any) => d.name === "b").id}`);
    await send(p.agentToken, beat("a", "c"));
    expect((await detail(p.id)).databases.map((d: any) => d.name)).toEqual(["a", "c"]);
  });
});
