// A drill's limits: each assertion has its own time limit, the restore has
// one, and a restore that runs out of disk (the pre-check misled) fails with a
// clear message and leaves nothing. The small disk is a real 1 MiB tmpfs (the
// suites run as root); the free-space function is injected to claim plenty, so
// the restore itself meets the full disk.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { addRows, replicate, reportDatabase, runDrillWith, seededDatabase } from "./fixtures.ts";

let core: TestCore;
let tmp: TmpDir;
let mountPoint = "";
beforeAll(async () => {
  core = await startTestCore();
  tmp = await tmpDir("borela-drill-limits-");
});
afterAll(async () => {
  if (mountPoint) execFileSync("umount", [mountPoint]);
  await core?.close();
  await tmp?.remove();
});

async function replicated(name: string, write: (file: string) => void = (f) => addRows(f, 2, 2)) {
  const dir = path.join(tmp.path, name);
  const file = seededDatabase(dir);
  const replicaDir = path.join(dir, "replica");
  await replicate(dir, file, { type: "file", path: replicaDir }, [write]);
  const project = await core.createProject(name);
  await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`);
  return project;
}

// Counts to a billion: minutes of work, far beyond any limit below.
const SLOW_SQL = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c";

describe("drill limits", () => {
  it("stops an assertion at its own time limit and still runs the others", async () => {
    const project = await replicated("slow-assertion");
    await core.api("PATCH", `/api/v1/projects/${project.id}`, {
      body: {
        assertions: [
          { name: "has users", sql: "SELECT count(*) FROM users", op: ">=", value: 1 },
          { name: "endless", sql: SLOW_SQL, op: ">", value: 0 },
          { name: "has orders", sql: "SELECT count(*) FROM orders", op: ">=", value: 1 },
        ],
      },
    });
    const started = Date.now();
    const drill = await runDrillWith(core, project.id, { assertionTimeoutMs: 400 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(drill.status).toBe("failed");
    expect(drill.report.assertions.map((a: any) => [a.name, a.passed, a.error ?? null])).toEqual([
      ["has users", true, null],
      ["endless", false, "did not finish within 0.4s; stopped"],
      ["has orders", true, null],
    ]);
    expect(drill.report.error).toBe("assertion endless: did not finish within 0.4s; stopped");
    expect(drill.report.integrity).toBe("ok");
  });

  it("fails a restore that overruns its time limit and removes its files", async () => {
    const project = await replicated("slow-restore");
    const drill = await runDrillWith(core, project.id, { restoreTimeoutMs: 1 });
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toBe("restore failed: litestream restore timed out after 1 ms");
    expect(readdirSync(core.config.drillDir)).toEqual([]);
  });

  it("fails a restore that runs out of disk with a clear message, leaving nothing behind", async () => {
    mountPoint = path.join(tmp.path, "small-disk");
    mkdirSync(mountPoint);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mountPoint]);
    // Random bytes do not compress: the restored file is as large as the backup, 3 MiB.
    const project = await replicated("full-disk", (f) => {
      const db = new Database(f);
      db.exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
      const insert = db.prepare("INSERT INTO blobs (data) VALUES (?)");
      db.transaction(() => {
        for (let i = 0; i < 48; i++) insert.run(randomBytes(64 * 1024));
      })();
      db.close();
    });
    const drill = await runDrillWith(core, project.id, { config: { ...core.config, drillDir: mountPoint }, freeSpace: async () => 2 ** 40 });
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(new RegExp(`^not enough free disk in ${mountPoint}: the restore ran out of space \\(1\\.0 TiB was free before it began\\): .*no space left on device`));
    expect(readdirSync(mountPoint)).toEqual([]);
  });
});
