// Files written anywhere on the core host: the drill's output file used to be
// `<drill dir>/<database name>.sqlite3`, so a name like `../../x` made a drill
// leave the attacker's database outside the drill dir (here: in the core's
// data dir, beside borela.db). The heartbeat now refuses such a name (400);
// and a row that holds one anyway (stored before that check) still cannot move
// the drill's output, because no name becomes a path any more: the drill
// restores into a fixed file of its own directory (drills/isolation/job.ts),
// passes with the counts of a plain `litestream restore`, nothing is written
// outside the drill dir, and the drill dir is empty afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { reportDatabase, runDrillNow } from "../../core/test/drills/fixtures.ts";
import { plainRestoreCounts, replicatedDatabase } from "./drill-support.ts";

let core: TestCore;
let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-sec-output-");
  core = await startTestCore({ BORELA_FILE_REPLICA_ROOTS: tmp.path });
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

/** Every file under `dir`, relative to it. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("a database name cannot place the drill's output", () => {
  it("the heartbeat refuses the name ../../x with a 400 naming the field", async () => {
    const p = await core.createProject("name-refused");
    const hb = heartbeat() as any;
    hb.databases[0].name = "../../x";
    const res = await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: hb });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^body\/databases\/0\/name /);
  });

  it("a stored row named ../../x drills without writing outside the drill dir", async () => {
    const p = await core.createProject("name-stored");
    const replica = path.join(tmp.path, "replica");
    const file = await replicatedDatabase(path.join(tmp.path, "app"), { type: "file", path: replica });
    await reportDatabase(core, p.agentToken, file, `file://${replica}`);
    // As a row written before the ingest check existed.
    await core.store.database.updateMany({ where: { projectId: p.id }, data: { name: "../../x" } });
    const before = files(core.config.dataDir);

    const drill = await runDrillNow(core, p.id);

    // Old code: litestream restore wrote <data dir>/x.sqlite3 (drill dir = <data dir>/drills/drill-<id>-XXXX).
    expect(existsSync(path.join(core.config.dataDir, "x.sqlite3"))).toBe(false);
    expect(existsSync(path.join(path.dirname(core.config.dataDir), "x.sqlite3"))).toBe(false);
    const added = files(core.config.dataDir).filter((f) => !before.includes(f) && !/^borela\.db(-wal|-shm|-journal)?$/.test(f));
    expect(added).toEqual([]);
    expect(files(core.config.drillDir)).toEqual([]);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(await plainRestoreCounts(tmp.path, { type: "file", path: replica }));
  });
});
