// A new project gets its first drill on its own: once it first turns fresh
// (a real agent, real Litestream, two databases on a file replica), the drill
// service queues one drill per database, and GET /api/v1/projects/:id shows
// lastDrill within a minute, drillStatus "passed" beside status "fresh", and
// the next scheduled drill. Each drill's counts equal a plain `litestream
// restore` of the same replica. Later sweeps and schedule ticks queue no
// second first drill. Fails on the old code: no drill ran until someone asked.
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent, startHarness, waitForStatus, type Harness, type TestAgent } from "../agent/harness.ts";
import { restore } from "../../src/litestream/commands.ts";
import { waitFor } from "../support/wait-for.ts";
import { heartbeat } from "../support/core-server.ts";

function createDatabase(file: string, rows: number): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
  const insert = db.prepare("INSERT INTO items (name) VALUES (?)");
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`item ${i}`);
  })();
  db.prepare("INSERT INTO notes (body) VALUES ('hello')").run();
  db.close();
}

function counts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_litestream%' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(tables.map((t) => [t.name, (db.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

describe("first drill once a project first turns fresh", () => {
  let h: Harness;
  let agent: TestAgent | null = null;

  beforeAll(async () => {
    h = await startHarness({ BORELA_LOG_LEVEL: "warn" });
  });
  afterAll(async () => {
    await agent?.stop();
    await h?.close();
  });

  it("sets lastDrill within a minute of first fresh, one passing drill per database, equal to litestream restore", async () => {
    const { core, dir } = h;
    const p = await core.createProject("first-drill", { drillSchedule: "48 11 * * 6" });
    const before = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
    expect(before).toMatchObject({ status: "unknown", drillStatus: "none", lastDrill: null });
    expect(Date.parse(before.nextDrillAt)).toBeGreaterThan(Date.now());
    expect(new Date(before.nextDrillAt).getUTCDay()).toBe(6);
    expect(before.nextDrillAt).toMatch(/T11:48:00\.000Z$/);

    // Litestream gives the replica the database directory's mode; the isolated drill reads it as nobody.
    const data = path.join(dir.path, "data");
    mkdirSync(data, { mode: 0o755 });
    const app = path.join(data, "app.sqlite3");
    const jobs = path.join(data, "jobs.sqlite3");
    createDatabase(app, 250);
    createDatabase(jobs, 40);
    agent = await runAgent({ server: core.url, token: p.agentToken, databases: [app, jobs], replicaUrl: `file://${path.join(data, "replica")}`, dir: dir.path });

    await waitForStatus(core, p.id, "fresh", 45_000, (d) => d.databases.length === 2);
    const freshAt = Date.now();
    const detail = await waitFor(
      async () => {
        const d = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
        return d.lastDrill && d.databases.every((db: { lastDrill: unknown }) => db.lastDrill) ? d : null;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "lastDrill of every database" },
    );
    const seconds = (Date.now() - freshAt) / 1000;
    console.log(`first drills finished ${seconds.toFixed(1)} s after the project turned fresh`);
    expect(seconds).toBeLessThan(60);
    const drills = (await core.api("GET", `/api/v1/projects/${p.id}/drills`)).body as any[];
    expect(detail, JSON.stringify(drills.map((d) => [d.database, d.status, d.report?.error, d.progress]))).toMatchObject({ status: "fresh", drillStatus: "passed", lastDrill: { status: "passed" } });

    expect(drills.map((d) => [d.database, d.trigger, d.status]).sort()).toEqual([
      ["app", "first", "passed"],
      ["jobs", "first", "passed"],
    ]);
    for (const db of detail.databases) {
      const drill = drills.find((d) => d.database === db.name);
      const out = path.join(dir.path, `plain-${db.name}.sqlite3`);
      await restore({ replica: { type: "file", path: new URL(db.replicas[0].url).pathname } }, { outputPath: out, timeoutMs: 30_000 });
      const plain = counts(out);
      // The app may write nothing more here, so the drill's restore point equals the plain restore's.
      expect(drill.report.tables).toEqual(plain);
      expect(db.lastDrill).toMatchObject({ status: "passed", integrity: "ok", tables: 2, rows: plain.items + plain.notes });
    }

    // Later sweeps and schedule ticks do not queue another first drill.
    await core.app.drills.scheduleTick();
    expect(await core.app.drills.firstDrill(p.id)).toEqual([]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(((await core.api("GET", `/api/v1/projects/${p.id}/drills`)).body as any[]).length).toBe(2);

    const list = (await core.api("GET", "/api/v1/projects")).body as any[];
    expect(list.find((x) => x.id === p.id)).toMatchObject({ status: "fresh", drillStatus: "passed", nextDrillAt: detail.nextDrillAt });
  }, 150_000);

  it("shows a failed drill beside a fresh status: drillStatus, list and badge; overdue once no drill passed within the schedule", async () => {
    const { core } = h;
    const p = (await core.api("GET", "/api/v1/projects")).body.find((x: any) => x.name === "first-drill");
    const { badgePath } = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
    // A drill of a point in time before the backup began cannot restore: a real failed drill.
    const res = await core.api("POST", `/api/v1/projects/${p.id}/drills`, { body: { database: "jobs", timestamp: "2001-01-01T00:00:00Z" } });
    expect(res.status).toBe(202);
    const failed = await waitFor(
      async () => {
        const d = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
        return d.drillStatus === "failed" ? d : null;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "drillStatus failed" },
    );
    expect(failed.status).toBe("fresh");
    expect(failed.databases.find((d: any) => d.name === "jobs").lastDrill.status).toBe("failed");
    expect((await core.api("GET", badgePath, { token: null })).body).toContain(">fresh, drill failed</text>");

    // A passing drill of jobs clears it; a week and more without a passing drill makes it overdue.
    await core.api("POST", `/api/v1/projects/${p.id}/drills`, { body: { database: "jobs" } });
    await waitFor(async () => ((await core.api("GET", `/api/v1/projects/${p.id}`)).body.drillStatus === "passed" ? true : null), { timeoutMs: 60_000, what: "drillStatus passed again" });
    await core.app.drills.scheduleTick(new Date(Date.now() + 10 * 86400_000));
    const overdue = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
    expect(overdue).toMatchObject({ status: "fresh", drillStatus: "overdue" });
    expect((await core.api("GET", badgePath, { token: null })).body).toContain(">fresh, drill overdue</text>");

    const open = (await core.api("GET", "/api/v1/incidents?open=true")).body as any[];
    expect(open.map((i) => [i.project.name, i.kind])).toContainEqual(["first-drill", "drill_overdue"]);
    expect(open.every((i) => i.open)).toBe(true);
    const all = (await core.api("GET", "/api/v1/incidents")).body as any[];
    expect(all.map((i) => i.kind)).toEqual(expect.arrayContaining(["drill_failed", "drill_overdue"]));
    expect(all.find((i) => i.kind === "drill_failed")).toMatchObject({ open: false, database: "jobs", project: { id: p.id, name: "first-drill" } });
    expect((await core.api("GET", "/api/v1/incidents?open=maybe")).status).toBe(400);
  }, 150_000);

  it("leaves a file replica the core may not read (outside BORELA_FILE_REPLICA_ROOTS) to the schedule", async () => {
    const { core } = h;
    const p = await core.createProject("unreadable-replica");
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() })).status).toBe(201);
    await waitForStatus(core, p.id, "fresh", 15_000);
    expect(await core.app.drills.firstDrill(p.id)).toEqual([]);
    await core.app.drills.scheduleTick();
    expect((await core.api("GET", `/api/v1/projects/${p.id}/drills`)).body).toEqual([]);
    const detail = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
    expect(detail).toMatchObject({ status: "fresh", drillStatus: "none", lastDrill: null });
    // Issue 14: the dashboard promised "the first drill is on its way"; the project says why none can run.
    expect(detail.databases[0].drillProblem).toMatch(/outside BORELA_FILE_REPLICA_ROOTS/);
  });
});
