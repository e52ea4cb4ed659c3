// Security regression: a drill restores and reads a database that came from
// an agent's storage, so whatever runs the restore and checks must not reach
// the core. The old drill ran them in worker threads inside the core process
// (its environment, its uid, its data dir). Here, code standing in for a
// crafted database that took over the isolated child (a parser bug) tries to
// read the core's secret.key and borela.db, its environment, another drill's
// restored copy, and to plant a file in the replica; and a real drill shows a
// 500 MB allocation stopped at the memory limit. Runs as root, so the child
// drops to nobody in its own mount namespace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import path from "node:path";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { addRows, replicate, reportDatabase, runDrillWith, seededDatabase, tableCounts } from "../../core/test/drills/fixtures.ts";
import { runInChildProcess, sandboxSupport } from "../../core/src/drills/isolation/process-runner.ts";
import { defaultLimits } from "../../core/src/drills/isolation/sandbox.ts";

const PAYLOAD = path.resolve("core/test/drills/isolation/hostile-payload.mjs");
const LITESTREAM = path.resolve("node_modules/@flydotio/litestream-linux-x64/litestream");
const SENTINEL = "sentinel-operator-secret-0123456789";

let core: TestCore;
let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-sec-isolation-");
  // The core's own secrets live in its environment and its data dir.
  core = await startTestCore({ BORELA_FILE_REPLICA_ROOTS: tmp.path, BORELA_S3_BUCKET: "operator", BORELA_S3_ACCESS_KEY_ID: "AKIAOPERATOR", BORELA_S3_SECRET_ACCESS_KEY: SENTINEL });
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

describe("the isolated drill cannot reach the core", () => {
  it("code running where the restore runs cannot read secret.key, borela.db, the core's environment or another drill's copy, nor write the replica", async () => {
    expect(process.getuid?.()).toBe(0);
    expect(sandboxSupport().namespace).toBe(true);
    const { dataDir, drillDir } = core.config;
    expect(existsSync(path.join(dataDir, "secret.key"))).toBe(true);
    expect(existsSync(path.join(dataDir, "borela.db"))).toBe(true);
    // Another drill's restored copy beside this one.
    mkdirSync(drillDir, { recursive: true, mode: 0o700 });
    const sibling = await mkdtemp(path.join(drillDir, "drill-other-"));
    writeFileSync(path.join(sibling, "restored.sqlite3"), "another project's rows");
    const replicaDir = path.join(tmp.path, "payload", "replica");
    const file = seededDatabase(path.join(tmp.path, "payload"));
    await replicate(path.dirname(file), file, { type: "file", path: replicaDir }, [(f) => addRows(f, 1, 1)]);
    process.env.BORELA_PROBE_SECRET = SENTINEL; // even the test process's own environment stays behind
    const scratch = await mkdtemp(path.join(drillDir, "drill-probe-"));
    const job = {
      replica: { type: "file" as const, path: replicaDir },
      generation: "0000000000000000",
      timestamp: null,
      checkPolicy: "auto" as const,
      assertions: [],
      restoreTimeoutMs: 10_000,
      checkTimeoutMs: 10_000,
      litestreamBin: LITESTREAM,
      litestreamLine: "0.3" as const,
      txid: null,
      probe: { dataDir, drillDir },
    };
    const result = await runInChildProcess(job, { scratch, hide: [dataDir, drillDir], limits: defaultLimits(job), onStep: () => undefined, entry: PAYLOAD });
    delete process.env.BORELA_PROBE_SECRET;
    expect(result).toMatchObject({ ok: false, message: "payload done" });
    const found = JSON.parse(readFileSync(path.join(scratch, "findings.json"), "utf8"));
    const failed = (attempt: { ok: boolean }) => attempt.ok === false;

    expect(found.uid).toBe(65534);
    expect(found.env).toEqual(["HOME", "LANG", "PATH", "TMPDIR"]);
    expect(JSON.stringify(found)).not.toContain(SENTINEL);
    expect(found.argv.join(" ")).not.toContain(dataDir);
    expect(found.cwd).toBe("/run/borela-drill/work");
    expect(found.secretKey).toSatisfy(failed);
    expect(found.database).toSatisfy(failed);
    expect(found.dataDirListing.value ?? []).toEqual([]);
    expect(found.drillDirListing.value ?? []).toEqual([]);
    expect(found.coreEnviron).toSatisfy(failed);
    expect(found.throughCoreRoot).toSatisfy(failed);
    // The replica is there to read, and only to read.
    expect(found.replicaListing).toEqual({ ok: true, value: ["generations"] });
    expect(found.replicaWrite).toMatchObject({ ok: false, code: "EROFS" });
    expect(existsSync(path.join(replicaDir, "planted"))).toBe(false);
    expect(found.hostWrite).toSatisfy(failed);
  });

  it("with a replica only root may read, the child keeps uid 0 but no capability: the core's files stay hidden and nothing on the host is writable", async () => {
    const { dataDir, drillDir } = core.config;
    const replicaDir = path.join(tmp.path, "owner-only", "replica");
    const file = seededDatabase(path.join(tmp.path, "owner-only"));
    await replicate(path.dirname(file), file, { type: "file", path: replicaDir }, [(f) => addRows(f, 1, 1)]);
    execFileSync("chmod", ["-R", "go-rwx", replicaDir]);
    const generation = readdirSync(path.join(replicaDir, "generations"))[0];
    const scratch = await mkdtemp(path.join(drillDir, "drill-probe-"));
    const job = { replica: { type: "file" as const, path: replicaDir }, generation, timestamp: null, checkPolicy: "auto" as const, assertions: [], restoreTimeoutMs: 10_000, checkTimeoutMs: 10_000, litestreamBin: LITESTREAM, litestreamLine: "0.3" as const, txid: null, probe: { dataDir, drillDir } };
    const steps: string[] = [];
    await runInChildProcess(job, { scratch, hide: [dataDir, drillDir], limits: defaultLimits(job), onStep: (_, m) => steps.push(m), entry: PAYLOAD });
    const found = JSON.parse(readFileSync(path.join(scratch, "findings.json"), "utf8"));
    const failed = (attempt: { ok: boolean }) => attempt.ok === false;
    expect(steps).toEqual([expect.stringMatching(/stays uid 0 without capabilities/)]);
    expect(found.uid).toBe(0);
    expect(found.secretKey).toSatisfy(failed);
    expect(found.database).toSatisfy(failed);
    expect(found.dataDirListing.value ?? []).toEqual([]);
    expect(found.coreEnviron).toSatisfy(failed);
    expect(found.throughCoreRoot).toSatisfy(failed);
    expect(found.replicaListing).toEqual({ ok: true, value: ["generations"] });
    expect(found.replicaWrite).toMatchObject({ ok: false, code: "EROFS" });
    expect(found.hostWrite).toMatchObject({ ok: false, code: "EROFS" });
    expect(existsSync("/etc/borela-drill-planted")).toBe(false);
  });

  it("a drill's 500 MB allocation stops at the memory limit as an assertion error; counts still match a plain litestream restore", async () => {
    const dir = path.join(tmp.path, "memory");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    await replicate(dir, file, { type: "file", path: replicaDir }, [(f) => addRows(f, 3, 9)]);
    const project = await core.createProject("memory");
    await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`);
    await core.api("PATCH", `/api/v1/projects/${project.id}`, {
      body: { assertions: [{ name: "allocate", sql: "SELECT length(randomblob(500000000))", op: ">", value: 0 }] },
    });
    const drill = await runDrillWith(core, project.id, { isolation: { mode: "process", limits: { memoryBytes: 320 * 1024 ** 2 } } });
    expect(drill.report.assertions).toMatchObject([{ name: "allocate", passed: false, actual: null, error: "out of memory" }]);
    const plain = path.join(dir, "plain.sqlite3");
    execFileSync(LITESTREAM, ["restore", "-o", plain, `file://${replicaDir}`]);
    expect(drill.report.tables).toEqual(tableCounts(plain));
  });
});
