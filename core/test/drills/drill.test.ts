import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { addRows, replicate, reportDatabase, runDrillNow, seededDatabase, tableCounts } from "./fixtures.ts";

let core: TestCore;
let tmp: TmpDir;
beforeAll(async () => {
  core = await startTestCore();
  tmp = await tmpDir("borela-drill-");
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

async function setup(name: string) {
  const dir = path.join(tmp.path, name);
  const file = seededDatabase(dir);
  const replicaDir = path.join(dir, "replica");
  const project = await core.createProject(name);
  return { dir, file, replicaDir, project, url: `file://${replicaDir}` };
}

/** What drills left in the drill directory (it exists only once a drill got as far as restoring). */
function leftovers(): string[] {
  return existsSync(core.config.drillDir) ? readdirSync(core.config.drillDir) : [];
}

function files(dir: string, kind: "snapshots" | "wal"): string[] {
  const gens = path.join(dir, "generations");
  return readdirSync(gens).flatMap((g) => {
    const d = path.join(gens, g, kind);
    return existsSync(d) ? readdirSync(d).sort().map((f) => path.join(d, f)) : [];
  });
}

describe("restore drills on a real Litestream replica", () => {
  it("passes a good backup with exact per-table counts and leaves no temp files", async () => {
    const s = await setup("good");
    await replicate(s.dir, s.file, { type: "file", path: s.replicaDir }, [(f) => addRows(f, 5, 20)]);
    const source = tableCounts(s.file);
    await reportDatabase(core, s.project.agentToken, s.file, s.url, source);
    const drill = await runDrillNow(core, s.project.id);
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(source);
    expect(drill.report.integrity).toBe("ok");
    expect(drill.report.restoreSeconds).toBeGreaterThan(0);
    expect(Date.parse(drill.report.restorePoint)).toBeLessThanOrEqual(Date.now());
    expect(drill.report.rpoSeconds).toBe(0);
    expect(drill.report.warnings).toEqual([]);
    expect(drill.progress.map((p: any) => p.step)).toEqual(expect.arrayContaining(["restore", "check", "done"]));
    expect(leftovers()).toEqual([]);
    const detail = await core.api("GET", `/api/v1/projects/${s.project.id}`);
    expect(detail.body.lastDrill).toMatchObject({ id: drill.id, status: "passed" });
  });

  it("restores the counts of a point in time", async () => {
    const s = await setup("pit");
    let midpoint = new Date();
    let atMidpoint: Record<string, number> = {};
    await replicate(s.dir, s.file, { type: "file", path: s.replicaDir }, [
      (f) => addRows(f, 3, 3),
      async (f) => {
        atMidpoint = tableCounts(f);
        await new Promise((r) => setTimeout(r, 600));
        midpoint = new Date();
        await new Promise((r) => setTimeout(r, 600));
      },
      (f) => addRows(f, 50, 50),
    ]);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const drill = await runDrillNow(core, s.project.id, { timestamp: midpoint.toISOString() });
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(atMidpoint);
    expect(drill.report.tables.users).toBeLessThan(tableCounts(s.file).users);
    expect(Date.parse(drill.report.restorePoint)).toBeLessThanOrEqual(midpoint.getTime());
  });

  it("fails when the snapshot bytes are corrupted, with the reason", async () => {
    const s = await setup("corrupt");
    await replicate(s.dir, s.file, { type: "file", path: s.replicaDir }, [(f) => addRows(f, 1, 1)]);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const [snapshot] = files(s.replicaDir, "snapshots");
    const bytes = readFileSync(snapshot);
    for (let i = 20; i < bytes.length - 8; i += 7) bytes[i] ^= 0xff;
    writeFileSync(snapshot, bytes);
    const drill = await runDrillNow(core, s.project.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(/restore failed|integrity|malformed|lz4|checksum|decompress/i);
    expect(leftovers()).toEqual([]);
    const incidents = await core.api("GET", `/api/v1/projects/${s.project.id}/incidents`);
    expect(incidents.body.map((i: any) => [i.kind, i.open])).toEqual([["drill_failed", true]]);
  });

  it("fails when a WAL segment is removed, never passing with wrong counts", async () => {
    const s = await setup("wal-gap");
    // Each batch waits out Litestream's 200 ms sync so it lands in a segment of its own.
    const batches = Array.from({ length: 5 }, () => async (f: string) => {
      addRows(f, 2, 2);
      await new Promise((r) => setTimeout(r, 500));
    });
    await replicate(s.dir, s.file, { type: "file", path: s.replicaDir }, batches);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const wal = files(s.replicaDir, "wal");
    expect(wal.length).toBeGreaterThan(2);
    rmSync(wal[Math.floor(wal.length / 2)]);
    const drill = await runDrillNow(core, s.project.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(/backup is damaged: WAL index \d+ of generation \w+ has a hole|litestream restore of .* would fail: WAL index \d+ of generation \w+ (is missing|has no initial segment)/);
  });

  it("fails when a WAL segment is truncated, naming the damaged segment", async () => {
    const s = await setup("wal-truncated");
    const batches = Array.from({ length: 3 }, () => async (f: string) => {
      addRows(f, 2, 2);
      await new Promise((r) => setTimeout(r, 500));
    });
    await replicate(s.dir, s.file, { type: "file", path: s.replicaDir }, batches);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const wal = files(s.replicaDir, "wal");
    const victim = wal[wal.length - 2];
    truncateSync(victim, Math.floor(statSync(victim).size / 2));
    const drill = await runDrillNow(core, s.project.id);
    expect(drill.status).toBe("failed");
    const name = path.basename(victim);
    const generation = path.basename(path.dirname(path.dirname(victim)));
    expect(drill.report.error).toMatch(new RegExp(`^backup is damaged: WAL segment ${name} of generation ${generation} \\(${victim.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\) cannot be read: .*(runs past the frame|truncated frame|no end mark)`));
    expect(drill.report.tables).toEqual({});
    expect(leftovers()).toEqual([]);
  });

  it("fails with 'no backup found' for an empty replica", async () => {
    const s = await setup("empty-replica");
    mkdirSync(path.join(s.replicaDir, "generations"), { recursive: true });
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const drill = await runDrillNow(core, s.project.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toBe(`no backup found in ${s.url}`);
    expect(drill.attempts).toBe(1);
  });

  it("fails with 'no backup found' when the generation is deleted", async () => {
    const s = await setup("no-generation");
    await replicate(s.dir, s.file, { type: "file", path: s.replicaDir }, [(f) => addRows(f, 1, 1)]);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    rmSync(path.join(s.replicaDir, "generations"), { recursive: true });
    const drill = await runDrillNow(core, s.project.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toBe(`no backup found in ${s.url}`);
  });

  it("fails when a table was dropped since the last passing drill and warns on a 90% row drop", async () => {
    const s = await setup("compare");
    await replicate(s.dir, s.file, { type: "file", path: s.replicaDir }, [(f) => addRows(f, 10, 100)]);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    expect((await runDrillNow(core, s.project.id)).status).toBe("passed");

    await replicate(s.dir, s.file, { type: "file", path: s.replicaDir }, [
      (f) => {
        const db = new Database(f);
        const total = (db.prepare("SELECT count(*) AS c FROM orders").get() as { c: number }).c;
        db.prepare("DELETE FROM orders WHERE id > ?").run(Math.floor(total / 10));
        db.close();
      },
    ]);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const warned = await runDrillNow(core, s.project.id);
    expect(warned.report.error ?? null).toBeNull();
    expect(warned.status).toBe("passed");
    expect(warned.report.warnings.join("\n")).toMatch(/table orders dropped 9\d% since the last passing drill/);

    await replicate(s.dir, s.file, { type: "file", path: s.replicaDir }, [
      (f) => {
        const db = new Database(f);
        db.exec("DROP TABLE events");
        db.close();
      },
    ]);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const failed = await runDrillNow(core, s.project.id);
    expect(failed.status).toBe("failed");
    expect(failed.report.error).toMatch(/table events is missing/);
  });

  it("runs the project's assertions against the restored copy", async () => {
    const s = await setup("assertions");
    await replicate(s.dir, s.file, { type: "file", path: s.replicaDir }, [(f) => addRows(f, 1, 1)]);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    await core.api("PATCH", `/api/v1/projects/${s.project.id}`, {
      body: {
        assertions: [
          { name: "has users", sql: "SELECT count(*) FROM users", op: ">=", value: 1 },
          { name: "impossible", sql: "SELECT count(*) FROM users", op: ">", value: 1_000_000 },
        ],
      },
    });
    const drill = await runDrillNow(core, s.project.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.assertions.map((a: any) => [a.name, a.passed])).toEqual([
      ["has users", true],
      ["impossible", false],
    ]);
    expect(drill.report.error).toMatch(/assertion impossible: got \d+, expected > 1000000/);
  });

  it("refuses a drill for an unknown database or project with a clear 4xx", async () => {
    const s = await setup("bad-request");
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const res = await core.api("POST", `/api/v1/projects/${s.project.id}/drills`, { body: { database: "nope" } });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('no database named "nope"');
    expect((await core.api("POST", `/api/v1/projects/missing/drills`, { body: {} })).status).toBe(404);
    expect((await core.api("GET", `/api/v1/drills/missing`)).status).toBe(404);
  });
});
