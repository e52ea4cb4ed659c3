// Drills isolated in a child process (BORELA_DRILL_ISOLATION=process, the
// default): the sandbox's decisions without I/O, then real drills on a real
// Litestream replica: counts equal to a plain `litestream restore`, a memory
// limit that turns a huge allocation into an error instead of the host's
// memory, and a wall-clock kill that leaves nothing behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { addRows, replicate, reportDatabase, runDrillWith, seededDatabase, tableCounts } from "./fixtures.ts";
import { childEnv, hiddenDirs, othersMayRead, sandboxCommand, wallClockMs, defaultLimits } from "../../src/drills/isolation/sandbox.ts";
import { checkResult, ChildProtocolError, parseChildLine } from "../../src/drills/isolation/protocol.ts";
import { sandboxSupport } from "../../src/drills/isolation/process-runner.ts";
import { othersMayReach } from "../../src/drills/isolation/others-reach.ts";

const LITESTREAM = path.resolve("node_modules/@flydotio/litestream-linux-x64/litestream");

describe("process sandbox decisions", () => {
  const limits = { memoryBytes: 1024, heapMb: 64, wallClockMs: 1000, cpus: 1 };

  it("as root: a private mount namespace hiding the core's dirs, then nobody without capabilities, RLIMIT_DATA and a V8 heap limit", () => {
    const plan = sandboxCommand({ node: "/usr/bin/node", entry: "/app/entry.mjs", scratch: "/data/drills/d1", replicaDir: "/backups/app", hide: ["/data", "/data/drills"], limits, namespace: true, prlimit: true });
    expect(plan.command).toBe("unshare");
    expect(plan.args.slice(0, 4)).toEqual(["--mount", "--propagation", "private", "--"]);
    const afterScript = plan.args.slice(plan.args.indexOf("borela-drill") + 1);
    expect(afterScript).toEqual([
      "/data/drills/d1",
      "/backups/app",
      "rw",
      "/data",
      "--",
      "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--",
      "prlimit", "--data=1024", "--",
      "/usr/bin/node", "--jitless", "--max-old-space-size=64", "/app/entry.mjs",
    ]);
    expect(plan.workDir).toBe("/run/borela-drill/work");
    expect(plan.replicaDir).toBe("/run/borela-drill/replica");
  });

  it("a replica only root may read: uid 0 kept but without capabilities, and the script remounts everything read-only", () => {
    const plan = sandboxCommand({ node: "/usr/bin/node", entry: "/app/entry.mjs", scratch: "/d1", replicaDir: "/backups/app", hide: ["/data"], limits, namespace: true, prlimit: false, keepRoot: true });
    const rest = plan.args.slice(plan.args.indexOf("borela-drill") + 1);
    expect(rest).toEqual(["/d1", "/backups/app", "ro", "/data", "--", "setpriv", "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--", "/usr/bin/node", "--jitless", "--max-old-space-size=64", "/app/entry.mjs"]);
    expect(plan.args.join(" ")).toContain("mount -o remount,bind,ro");
    expect(othersMayRead([{ dir: true, mode: 0o40755 }, { dir: false, mode: 0o100644 }])).toBe(true);
    expect(othersMayRead([{ dir: true, mode: 0o40700 }, { dir: false, mode: 0o100644 }])).toBe(false);
    expect(othersMayRead([{ dir: true, mode: 0o40755 }, { dir: false, mode: 0o100600 }])).toBe(false);
  });

  it("without root: the core's user, in its temp dir, still limited", () => {
    const plan = sandboxCommand({ node: "/usr/bin/node", entry: "/app/entry.mjs", scratch: "/data/drills/d1", replicaDir: null, hide: ["/data"], limits, namespace: false, prlimit: true });
    expect([plan.command, ...plan.args]).toEqual(["prlimit", "--data=1024", "--", "/usr/bin/node", "--jitless", "--max-old-space-size=64", "/app/entry.mjs"]);
    expect(plan.workDir).toBe("/data/drills/d1");
  });

  it("hides each directory once, the outer one when nested", () => {
    expect(hiddenDirs(["/data", "/data/drills", "/srv/drills", "/data/"])).toEqual(["/data", "/srv/drills"]);
    expect(hiddenDirs(["/data", "/database"])).toEqual(["/data", "/database"]);
  });

  it("gives the child an environment of its own", () => {
    expect(childEnv("/w")).toEqual({ PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/w", TMPDIR: "/w", LANG: "C.UTF-8" });
  });

  it("kills after the job's own limits plus a minute", () => {
    const job = { restoreTimeoutMs: 1000, checkTimeoutMs: 2000, assertionTimeoutMs: 500, assertions: [{ sql: "a" }, { sql: "b" }] };
    expect(wallClockMs(job)).toBe(1000 + 2000 + 1000 + 60_000);
    expect(wallClockMs({ ...job, assertionTimeoutMs: undefined })).toBe(1000 + 2000 + 120_000 + 60_000);
  });

  it("checks every field of what the child sends, naming the bad one", () => {
    const good = { ok: true, restoreSeconds: 1, restoredBytes: 4096, check: "integrity_check", checkSeconds: 0.5, inspection: { integrity: "ok", foreignKeyViolations: 0, tables: { users: 3 }, assertionValues: [{ value: 2 }, { error: "no" }], marker: null } };
    expect(checkResult(good)).toEqual(good);
    expect(() => checkResult({ ...good, restoredBytes: -1 })).toThrow("restoredBytes is not a non-negative number");
    expect(() => checkResult({ ...good, inspection: { ...good.inspection, tables: { users: "3" } } })).toThrow("inspection.tables.users is not a non-negative number");
    expect(() => checkResult({ ...good, check: "PRAGMA writable_schema" })).toThrow(ChildProtocolError);
    expect(() => checkResult({ ok: false, stage: "elsewhere" })).toThrow("stage is not restore or check");
    expect(parseChildLine("Debugger listening")).toBeNull();
    expect(parseChildLine('{"step":"restore","message":"m"}')).toEqual({ step: "restore", message: "m" });
  });
});

let core: TestCore;
let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-isolation-");
  core = await startTestCore({ BORELA_FILE_REPLICA_ROOTS: tmp.path });
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

async function replicated(name: string) {
  const dir = path.join(tmp.path, name);
  const file = seededDatabase(dir);
  const replicaDir = path.join(dir, "replica");
  await replicate(dir, file, { type: "file", path: replicaDir }, [(f) => addRows(f, 7, 30)]);
  const project = await core.createProject(name);
  await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`);
  const plain = path.join(dir, "plain.sqlite3");
  execFileSync(LITESTREAM, ["restore", "-o", plain, `file://${replicaDir}`]);
  return { project, file, replicaDir, plain: tableCounts(plain) };
}

describe("drills in an isolated process", () => {
  it("runs sandboxed here (root with mount namespaces), so the tests below exercise the nobody path", () => {
    expect(process.getuid?.()).toBe(0);
    expect(sandboxSupport()).toEqual({ namespace: true, prlimit: true });
    expect(defaultLimits({ restoreTimeoutMs: 1, checkTimeoutMs: 1, assertions: [] } as any).memoryBytes).toBe(4 * 1024 ** 3);
  });

  it("passes with the counts of a plain litestream restore and leaves no temp dir", async () => {
    const s = await replicated("counts");
    const drill = await runDrillWith(core, s.project.id, { isolation: { mode: "process" } });
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(s.plain);
    expect(drill.report.tables).toEqual(tableCounts(s.file));
    expect(drill.report.integrity).toBe("ok");
    expect(drill.progress.map((p: any) => p.message)).toContainEqual(expect.stringMatching(/in an isolated process$/));
    expect(readdirSync(core.config.drillDir)).toEqual([]);
  });

  it("turns a huge allocation into an assertion error at the memory limit; the rest of the drill still reports", async () => {
    const s = await replicated("memory");
    await core.api("PATCH", `/api/v1/projects/${s.project.id}`, {
      body: {
        assertions: [
          { name: "half a gigabyte", sql: "SELECT length(randomblob(500000000))", op: ">", value: 0 },
          { name: "has users", sql: "SELECT count(*) FROM users", op: ">=", value: 1 },
        ],
      },
    });
    const drill = await runDrillWith(core, s.project.id, { isolation: { mode: "process", limits: { memoryBytes: 320 * 1024 ** 2 } } });
    expect(drill.status).toBe("failed");
    expect(drill.report.assertions.map((a: any) => [a.name, a.passed, a.error ?? null])).toEqual([
      ["half a gigabyte", false, "out of memory"],
      ["has users", true, null],
    ]);
    expect(drill.report.tables).toEqual(s.plain);
  });

  it("a Litestream binary out of nobody's reach (a checkout under a 0700 directory, as /root is) keeps uid 0 without capabilities and passes", async () => {
    // A tester: the core as root in such a checkout; every S3 drill ended "spawn … EACCES", told as a failed backup.
    const s = await replicated("owner-only-tools");
    const ownerOnly = path.join(tmp.path, "owner-only");
    mkdirSync(path.join(ownerOnly, "bin"), { recursive: true });
    chmodSync(ownerOnly, 0o700);
    const bin = path.join(ownerOnly, "bin", "litestream");
    copyFileSync(LITESTREAM, bin);
    chmodSync(bin, 0o755);
    const drill = await runDrillWith(core, s.project.id, { config: { ...core.config, litestreamBin: bin }, isolation: { mode: "process" } });
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(s.plain);
    expect(drill.progress.map((p: any) => p.message)).toContainEqual(`${bin} is out of reach of user nobody (a directory on its path lets only its owner in): the isolated process stays uid 0 without capabilities, every mount read-only`);
    expect(othersMayReach({ dirs: [0o40755, 0o40711], file: 0o100755, exec: true })).toBe(true);
    expect(othersMayReach({ dirs: [0o40755, 0o40700], file: 0o100755, exec: true })).toBe(false);
    expect(othersMayReach({ dirs: [0o40755], file: 0o100750, exec: true })).toBe(false);
    expect(othersMayReach({ dirs: [0o40755], file: 0o100644, exec: false })).toBe(true);
  });

  it("kills the whole child at the wall-clock limit and removes its temp dir", async () => {
    const s = await replicated("wall-clock");
    await core.api("PATCH", `/api/v1/projects/${s.project.id}`, {
      body: { assertions: [{ name: "endless", sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c", op: ">", value: 0 }] },
    });
    const started = Date.now();
    const drill = await runDrillWith(core, s.project.id, { assertionTimeoutMs: 120_000, isolation: { mode: "process", limits: { wallClockMs: 4000 } } });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toBe("the isolated drill process did not finish within 4s and was killed");
    expect(readdirSync(core.config.drillDir)).toEqual([]);
    expect(existsSync(core.config.drillDir)).toBe(true);
  });
});
