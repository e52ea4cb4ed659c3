// Who claimed a file replica directory first outlives the Replica rows (drills/replica-claim-records.ts),
// against a real core on loopback with real heartbeats and a real file system:
// - a project whose rows are made again (its database renamed, the old one retired) keeps its place before a
//   project whose agent token reported the same directory later: the later one stays refused;
// - a path another project's token reported before it existed, later made a symlink into this project's
//   directory, claims that directory only from when the core saw it lead there: the later one is refused.
// Both failed on the code that read claim times from the ids of a project's current Replica rows: the
// hostile token's drills and restores got the victim's rows, and the victim's were refused.
import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedFileReplicaProblem } from "../../src/drills/replica-claims.ts";
import { heartbeat, startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let core: TestCore;
let tmp: TmpDir;
beforeAll(async () => {
  core = await startTestCore({ BORELA_LISTING_INTERVAL_SECONDS: "3600", BORELA_LOG_LEVEL: "warn" });
  tmp = await tmpDir("borela-claim-records-");
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

let sequence = 0;
/** One heartbeat from `token` reporting `names`, each database on the file replica `url`. */
async function report(token: string, url: string, names: string[]): Promise<void> {
  const hb = heartbeat({ sequence: ++sequence }) as any;
  const template = hb.databases[0];
  hb.databases = names.map((name) => ({ ...template, name, path: `/data/${name}.db`, replicas: [{ ...template.replicas[0], type: "file", url }] }));
  const res = await core.api("POST", "/api/v1/heartbeats", { token, body: hb });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("file replica claims kept apart from Replica rows", () => {
  it("a project whose database is renamed and the old one retired keeps its directory before a later claimant", async () => {
    const url = `file://${path.join(tmp.path, "victim-a")}`;
    const victim = await core.createProject("claims-victim-a");
    const squatter = await core.createProject("claims-squatter-a");
    await report(victim.agentToken, url, ["app"]);
    await pause(5);
    await report(squatter.agentToken, url, ["stolen"]);
    expect(await sharedFileReplicaProblem(core.store, victim.id, url)).toBeNull();
    expect(await sharedFileReplicaProblem(core.store, squatter.id, url)).toMatch(/claims-victim-a/);

    // The database renamed: a new Replica row (made after the squatter's), then the old database retired.
    await pause(5);
    await report(victim.agentToken, url, ["app-renamed"]);
    const old = await core.store.database.findFirstOrThrow({ where: { projectId: victim.id, name: "app" } });
    expect((await core.api("DELETE", `/api/v1/projects/${victim.id}/databases/${old.id}`)).status).toBe(200);
    const rows = await core.store.replica.findMany({ where: { url, database: { projectId: victim.id } } });
    expect(rows).toHaveLength(1);

    expect(await sharedFileReplicaProblem(core.store, victim.id, url)).toBeNull();
    const refused = await sharedFileReplicaProblem(core.store, squatter.id, url);
    expect(refused).toMatch(/claims-victim-a/);
    // The detail page says why the squatter's drills cannot run, and nothing for the victim's.
    const detail = async (id: string) => (await core.api("GET", `/api/v1/projects/${id}`)).body.databases.map((d: any) => d.drillProblem ?? null);
    expect(await detail(victim.id)).toEqual([null]);
    expect((await detail(squatter.id))[0]).toMatch(/claims-victim-a/);
  });

  it("a path claimed before it existed, later made a symlink into another project's directory, claims it only from then", async () => {
    const real = path.join(tmp.path, "victim-b");
    const link = path.join(tmp.path, "squat-b");
    const squatter = await core.createProject("claims-squatter-b");
    const victim = await core.createProject("claims-victim-b");
    await report(squatter.agentToken, `file://${link}`, ["early"]);
    await pause(5);
    mkdirSync(real);
    await report(victim.agentToken, `file://${real}`, ["app"]);
    // Two directories so far: nobody is refused.
    expect(await sharedFileReplicaProblem(core.store, victim.id, `file://${real}`)).toBeNull();
    expect(await sharedFileReplicaProblem(core.store, squatter.id, `file://${link}`)).toBeNull();

    symlinkSync(real, link);
    expect(await sharedFileReplicaProblem(core.store, victim.id, `file://${real}`)).toBeNull();
    expect(await sharedFileReplicaProblem(core.store, squatter.id, `file://${link}`)).toMatch(/claims-victim-b/);
    // The squatter's own first claim still names where its path led then; the directory it leads to now was recorded later.
    const claims = await core.store.replicaClaim.findMany({ where: { projectId: squatter.id }, orderBy: { firstAt: "asc" } });
    expect(claims.map((c) => c.dir)).toEqual([link, real]);
    const victimClaim = await core.store.replicaClaim.findFirstOrThrow({ where: { projectId: victim.id } });
    expect(victimClaim.dir).toBe(real);
    expect(claims[1].firstAt.getTime()).toBeGreaterThan(victimClaim.firstAt.getTime());
  });

  it("a project deleted takes its claims with it: the next claimant of its directory owns it", async () => {
    const url = `file://${path.join(tmp.path, "gone-c")}`;
    const first = await core.createProject("claims-first-c");
    const second = await core.createProject("claims-second-c");
    await report(first.agentToken, url, ["app"]);
    await pause(5);
    await report(second.agentToken, url, ["app"]);
    expect(await sharedFileReplicaProblem(core.store, second.id, url)).toMatch(/claims-first-c/);
    expect((await core.api("DELETE", `/api/v1/projects/${first.id}`)).status).toBeLessThan(300);
    expect(await core.store.replicaClaim.count({ where: { projectId: first.id } })).toBe(0);
    expect(await sharedFileReplicaProblem(core.store, second.id, url)).toBeNull();
  });
});
