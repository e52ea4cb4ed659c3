// Retiring a project's only database through the real core (heartbeats posted as an
// agent would, DELETE /api/v1/projects/:id/databases/:databaseId): the operator's
// deliberate act leaves the project saying nothing is watched (unknown, naming what was
// retired and when) with no incident open, while the agent goes on reporting none; the
// agent going silent still opens the silent incident; a database reported later is
// watched again.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";
import { MISSING_AFTER_HEARTBEATS } from "../../src/freshness/status.ts";
import { waitFor } from "../support/wait-for.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LOG_LEVEL: "warn" });
});
afterAll(async () => {
  await core?.close();
});

function beat(...names: string[]) {
  const template = heartbeat().databases[0] as { name: string; path: string; replicas: { url: string }[] };
  return heartbeat({ databases: names.map((name) => ({ ...template, name, path: `/data/${name}`, replicas: template.replicas.map((r) => ({ ...r, url: `file:///backups/${name}` })) })) });
}
async function send(token: string, body: unknown) {
  const res = await core.api("POST", "/api/v1/heartbeats", { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await core.app.sweeper.idle();
}
interface Detail { status: string; statusReasons: string[]; databases: { id: string; name: string; status: string }[] }
const detail = async (id: string) => (await core.api<Detail>("GET", `/api/v1/projects/${id}`)).body;
const openIncidents = async (id: string) => (await core.api<{ kind: string; reason: string }[]>("GET", `/api/v1/projects/${id}/incidents?open=true`)).body;

it("retiring the last database: unknown and no incident while the agent reports none; silence still alerts; a new database is watched", async () => {
  const started = Date.now();
  const p = await core.createProject("retire-last", { heartbeatGraceSeconds: 5 });
  await send(p.agentToken, beat("app.sqlite3"));
  expect((await detail(p.id)).status).toBe("fresh");
  for (let i = 0; i < MISSING_AFTER_HEARTBEATS; i++) await send(p.agentToken, beat());
  const before = await detail(p.id);
  expect(before.status).toBe("error");
  expect((await openIncidents(p.id)).map((i) => i.kind)).toEqual(["error"]);

  const res = await core.api("DELETE", `/api/v1/projects/${p.id}/databases/${before.databases[0].id}`);
  expect(res.status).toBe(200);
  const after = await detail(p.id);
  expect(after.status).toBe("unknown");
  expect(after.statusReasons).toHaveLength(1);
  expect(after.statusReasons[0]).toMatch(/^no databases watched: app\.sqlite3 was retired at \d{4}-\d\d-\d\dT[\d:.]+Z; the agent reports none$/);
  expect(await openIncidents(p.id)).toEqual([]);

  // The agent goes on reporting none: still unknown, still nothing open (the sweeper runs every second).
  for (let i = 0; i < 3; i++) {
    await send(p.agentToken, beat());
    await new Promise((r) => setTimeout(r, 700));
  }
  expect((await detail(p.id)).status).toBe("unknown");
  expect(await openIncidents(p.id)).toEqual([]);
  expect((await core.store.incident.count({ where: { projectId: p.id, resolvedAt: null } }))).toBe(0);

  // The agent goes silent: past the 5 s grace the project is silent, with its incident.
  const silent = await waitFor(async () => ((await detail(p.id)).status === "silent" ? true : null), { timeoutMs: 15_000, what: "silent after the grace" });
  expect(silent).toBe(true);
  const open = await waitFor(async () => (await openIncidents(p.id)).find((i) => i.kind === "silent") ?? null, { timeoutMs: 10_000, what: "a silent incident" });
  expect(open.reason).toMatch(/is the agent running\?/);

  // It comes back reporting a new database: watched again.
  await send(p.agentToken, beat("new.sqlite3"));
  const back = await detail(p.id);
  expect(back.status).toBe("fresh");
  expect(back.databases.map((d) => d.name)).toEqual(["new.sqlite3"]);
  expect(back.statusReasons.join("\n")).not.toMatch(/retired/);
  expect(Date.now() - started).toBeLessThan(40_000);
}, 60_000);
