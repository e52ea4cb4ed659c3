// Fault 8 with a real agent and real Litestream on fauxqs S3: a database that
// leaves the agent's configuration turns `error` with words that say so after
// MISSING_AFTER_HEARTBEATS heartbeats, with exactly one incident and one alert;
// retiring it (DELETE /api/v1/projects/:id/databases/:databaseId) brings the
// project back to fresh and resolves the incident. And the cap
// (BORELA_MAX_DATABASES_PER_PROJECT): an agent with one database too many is
// refused with a 400 naming `databases` and the limit, and nothing stored is lost.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorld, type World } from "./world.ts";
import { recordDetection } from "./figures.ts";
import { createDatabase } from "../../core/test/litestream/live.ts";
import { runAgent, s3Env, s3ReplicaUrl, waitForStatus, type TestAgent } from "../../core/test/agent/harness.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { MISSING_AFTER_HEARTBEATS } from "../../core/src/freshness/status.ts";

const GRACE = 10;
const LIMIT = 2;
let world: World;
const agents: TestAgent[] = [];

beforeAll(async () => {
  world = await startWorld({ BORELA_MAX_DATABASES_PER_PROJECT: String(LIMIT) });
});
afterAll(async () => {
  for (const a of agents) await a.stop();
  await world?.close();
});

/** Databases named after their files (app.sqlite3, ...) in one project folder, each with its own S3 replica. */
async function startAgentWith(project: { name: string; token: string }, names: string[]): Promise<TestAgent> {
  const dir = path.join(world.dir.path, project.name);
  await mkdir(dir, { recursive: true });
  const lines = ["databases:"];
  for (const name of names) {
    const file = path.join(dir, name);
    lines.push(`  - name: ${name}`, `    path: ${file}`, `    replica: ${s3ReplicaUrl(world.s3, "backups", `${project.name}/${name}`)}`);
  }
  const config = path.join(dir, `borela-${names.length}-${Date.now()}.yml`);
  await writeFile(config, lines.join("\n") + "\n");
  const agent = await runAgent({ server: world.core.url, token: project.token, databases: [], env: { ...s3Env(world.s3), BORELA_CONFIG: config }, dir });
  agents.push(agent);
  return agent;
}

async function stop(agent: TestAgent) {
  await agent.stop();
  agents.splice(agents.indexOf(agent), 1);
}

const incidents = async (id: string) => (await world.core.api("GET", `/api/v1/projects/${id}/incidents`)).body as any[];
const mailsAbout = (project: string) => world.smtp.messages.filter((m) => m.subject?.includes(` ${project}`)).map((m) => m.subject ?? "");

describe("a database removed from the agent's configuration (fault 8)", () => {
  it("turns error after 3 heartbeats, one incident, retired by DELETE: fresh again and the incident resolved", async () => {
    const p = await world.core.createProject("retired-db", { staleAfterSeconds: 10, heartbeatGraceSeconds: GRACE });
    const dir = path.join(world.dir.path, "retired-db");
    await mkdir(dir, { recursive: true });
    createDatabase(path.join(dir, "app.sqlite3"), 20);
    createDatabase(path.join(dir, "jobs.sqlite3"), 5);
    const project = { name: "retired-db", token: p.agentToken };

    const both = await startAgentWith(project, ["app.sqlite3", "jobs.sqlite3"]);
    await waitForStatus(world.core, p.id, "fresh", 30_000, (d) => d.databases.length === 2 && d.databases.every((db) => db.replicas[0]?.storageBytes > 0));
    await stop(both);

    const restartedAt = Date.now();
    await startAgentWith(project, ["jobs.sqlite3"]);
    const detail = await waitForStatus(world.core, p.id, "error", 30_000);
    const detectSeconds = (Date.now() - restartedAt) / 1000;
    recordDetection("retired-db", "error", detectSeconds);
    expect(detail.statusReasons).toEqual(["the agent no longer reports app.sqlite3 — removed from its configuration?"]);
    const gone = detail.databases.find((d) => d.name === "app.sqlite3")!;
    expect(gone.status).toBe("error");
    expect(detail.databases.find((d) => d.name === "jobs.sqlite3")!.status).toBe("fresh");
    // Heartbeats every second: at least MISSING_AFTER_HEARTBEATS of them went by without it.
    expect(detectSeconds).toBeGreaterThanOrEqual(MISSING_AFTER_HEARTBEATS - 1);

    // It stays one condition: more heartbeats, still one incident and one alert.
    await new Promise((r) => setTimeout(r, 4000));
    let list = await incidents(p.id);
    expect(list.map((i) => [i.kind, i.database, i.open, i.reason])).toEqual([
      ["error", "app.sqlite3", true, "the agent no longer reports app.sqlite3 — removed from its configuration?"],
    ]);
    await waitFor(() => mailsAbout("retired-db").length > 0, { timeoutMs: 15_000, what: "the alert email" });
    expect(mailsAbout("retired-db")).toEqual([
      "[Borela] ERROR: retired-db / app.sqlite3 — the agent no longer reports app.sqlite3 — removed from its configuration?",
    ]);

    const retiredAt = Date.now();
    const res = await world.core.api("DELETE", `/api/v1/projects/${p.id}/databases/${(gone as unknown as { id: string }).id}`);
    expect(res.status).toBe(200);
    const fresh = await waitForStatus(world.core, p.id, "fresh", 10_000);
    console.info(`retired-db: error ${detectSeconds.toFixed(1)} s after the restart; fresh ${((Date.now() - retiredAt) / 1000).toFixed(2)} s after DELETE`);
    expect(fresh.databases.map((d) => d.name)).toEqual(["jobs.sqlite3"]);
    list = await incidents(p.id);
    expect(list).toHaveLength(1);
    expect(list[0].open).toBe(false);
    await waitFor(() => mailsAbout("retired-db").some((s) => s.startsWith("[Borela] RESOLVED")), { timeoutMs: 15_000, what: "the resolve email" });
    // Still fresh a few heartbeats later: nothing brings it back.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await world.core.api("GET", `/api/v1/projects/${p.id}`)).body.status).toBe("fresh");
    expect(await incidents(p.id)).toHaveLength(1);
    expect(mailsAbout("retired-db")).toHaveLength(2);
  });
});

describe("BORELA_MAX_DATABASES_PER_PROJECT", () => {
  it("an agent with one database too many is refused with a 400 naming databases and the limit; what was stored stays", async () => {
    const p = await world.core.createProject("capped-db", { staleAfterSeconds: 10, heartbeatGraceSeconds: GRACE });
    const dir = path.join(world.dir.path, "capped-db");
    await mkdir(dir, { recursive: true });
    for (const name of ["a.sqlite3", "b.sqlite3", "c.sqlite3"]) createDatabase(path.join(dir, name), 3);
    const project = { name: "capped-db", token: p.agentToken };

    const two = await startAgentWith(project, ["a.sqlite3", "b.sqlite3"]);
    await waitForStatus(world.core, p.id, "fresh", 30_000, (d) => d.databases.length === 2 && d.databases.every((db) => db.replicas[0]?.storageBytes > 0));
    await stop(two);
    // Read after the stop: the agent's last heartbeat (its final sync) comes while it stops.
    const before = (await world.core.api("GET", `/api/v1/projects/${p.id}`)).body as { databases: { lastHeartbeatAt: string }[] };

    const three = await startAgentWith(project, ["a.sqlite3", "b.sqlite3", "c.sqlite3"]);
    const refused = await waitFor(() => three.logs.find((l) => l.includes("core refused a heartbeat")), { timeoutMs: 15_000, what: "the agent's log of the refusal" });
    expect(refused).toContain("400");
    expect(refused).toContain(`databases: this heartbeat would bring the project to 3 databases, over the limit of ${LIMIT} per project (BORELA_MAX_DATABASES_PER_PROJECT)`);
    const after = (await world.core.api("GET", `/api/v1/projects/${p.id}`)).body;
    expect(after.databases.map((d: { name: string; replicas: unknown[] }) => [d.name, d.replicas.length])).toEqual([
      ["a.sqlite3", 1],
      ["b.sqlite3", 1],
    ]);
    expect(after.databases.map((d: { lastHeartbeatAt: string }) => d.lastHeartbeatAt)).toEqual(before.databases.map((d) => d.lastHeartbeatAt));
  });
});
