// `borela drill` and `borela restore` as an operator runs them on a laptop:
// from a directory that is not the repository, with only BORELA_SERVER and
// BORELA_ADMIN_TOKEN (or --server/--token), through the API. The old code
// opened ./data/borela.db in the current directory (creating an empty one) and
// answered "no project"; this runs them in an empty temp dir and checks that
// nothing appears there. The restored file is compared with a plain
// `litestream restore` of the same replica.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { restore } from "../../src/litestream/commands.ts";
import { cleanEnv, runBorela } from "../support/borela-cli.ts";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { tableCounts } from "../drills/fixtures.ts";
import { replicatedProject as replicatedProjectOn } from "../drills/replicated-project.ts";

const clean = cleanEnv();
const core = useTestCore();
const tmp = useTmpDir("borela-remote-cli-");
let laptop: string;

beforeAll(async () => {
  laptop = path.join(tmp.path, "laptop");
  mkdirSync(laptop);
});

function borela(args: string[], env: Record<string, string> = { BORELA_SERVER: core.url, BORELA_ADMIN_TOKEN: core.adminToken }) {
  return runBorela(args, { cwd: laptop, env: { ...clean, ...env } });
}

const replicatedProject = (name: string) => replicatedProjectOn(core, tmp.path, name);

describe("drill and restore through the API, from any directory", () => {
  it("drill run --wait, drill list and restore -o work with BORELA_SERVER and BORELA_ADMIN_TOKEN and create nothing here", async () => {
    const { file, replicaDir } = await replicatedProject("remote-shop");
    const plainOutput = path.join(tmp.path, "plain.sqlite3");
    await restore({ replica: { type: "file", path: replicaDir } }, { outputPath: plainOutput, timeoutMs: 30_000 });
    const plain = tableCounts(plainOutput);
    expect(plain).toEqual(tableCounts(file));

    const drill = await borela(["drill", "run", "remote-shop", "--wait"]);
    expect(drill.stderr).toBe("");
    expect(drill.code).toBe(0);
    expect(drill.stdout).toMatch(/^queued 1 drill\(s\) for remote-shop: \w+\n/);
    expect(drill.stdout).toMatch(/\[app\] restore: restored [\d.]+ KiB in \d+\.\d\ds\n/);
    expect(drill.stdout).toContain("[app] PASSED\n");
    for (const [table, n] of Object.entries(plain)) expect(drill.stdout).toMatch(new RegExp(`\\n  ${table} +${n}\\n`));

    const listed = await borela(["drill", "list", "remote-shop"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split("\n")).toHaveLength(2);
    expect(listed.stdout).toMatch(/\n\w+ +app +passed +\d{4}-\d\d-\d\dT\S+Z +(?:\d+ ms|\d+\.\ds|\d+s)/);

    const output = path.join(laptop, "restored.sqlite3");
    const restored = await borela(["restore", "remote-shop", "-o", output]);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`^restoring remote-shop/app on ${core.url}\\n`));
    expect(restored.stdout).toMatch(/\n  inspect-replica: generation [0-9a-f]{16}: snapshot 00000000\.snapshot\.lz4, \d+ WAL segment\(s\) to apply.*; [\d.]+ KiB stored\n/);
    expect(restored.stdout).toMatch(/\n  check: \d+ WAL segment\(s\) checked: checksums ok, no overlap, no hole\n/);
    expect(restored.stdout).toMatch(new RegExp(`\\n  check: quick_check: ok; 3 table\\(s\\), ${Object.values(plain).reduce((a, b) => a + b, 0)} row\\(s\\)\\n`));
    expect(restored.stdout).toMatch(/\n  download: [\d.]+ KiB of [\d.]+ KiB\n/);
    expect(restored.stdout).toMatch(new RegExp(`restored [\\d.]+ KiB to ${output} in \\d+\\.\\d\\ds \\(generation [0-9a-f]{16}, as of \\S+Z\\)\\n$`));
    // The core keeps nothing of it once sent; nothing else appears here (checked before SQLite opens the file).
    expect(readdirSync(core.config.drillDir).filter((d) => d.startsWith("restore-"))).toEqual([]);
    expect(readdirSync(laptop)).toEqual(["restored.sqlite3"]);
    expect(existsSync(path.join(laptop, "data"))).toBe(false);
    expect(tableCounts(output)).toEqual(plain);

    // --server/--token work the same way; a second restore never overwrites.
    const flags = await borela(["restore", "remote-shop", "-o", output, "--server", core.url, "--token", core.adminToken], {});
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain("already exists; restore never overwrites a file");
    const viaFlags = await borela(["drill", "list", "remote-shop", "--server", core.url, "--token", core.adminToken], {});
    expect(viaFlags.code).toBe(0);
  }, 120_000);

  it("names what is missing or refused in one line, and reads no local store without --data-dir", async () => {
    const none = await borela(["drill", "list", "remote-shop"], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      "borela drill: no admin token for the core at http://127.0.0.1:8787: set BORELA_ADMIN_TOKEN or --token (the core prints it on its first start), or on the core's host read its store with --data-dir DIR\n",
    );
    const wrong = await borela(["restore", "remote-shop", "-o", path.join(laptop, "x.sqlite3")], { BORELA_SERVER: core.url, BORELA_ADMIN_TOKEN: "bradm_wrong" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(new RegExp(`^borela restore: the core at ${core.url} refuses the admin token \\(HTTP 401: .*\\): check BORELA_ADMIN_TOKEN or --token\\n$`));
    const unknown = await borela(["drill", "run", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(new RegExp(`^borela drill: no project "nope" on ${core.url} \\(projects: .*remote-shop.*\\)\\n$`));
    expect(readdirSync(laptop).filter((f) => !f.startsWith("restored.sqlite3"))).toEqual([]);
  }, 60_000);

  it("--data-dir reads the core's store directly on its host, with the same checks and restore", async () => {
    const local = await borela(["drill", "list", "remote-shop", "--data-dir", core.config.dataDir], { BORELA_FILE_REPLICA_ROOTS: tmp.path });
    expect(local.code).toBe(0);
    expect(local.stdout).toMatch(/\n\w+ +app +passed /);
    const output = path.join(tmp.path, "local-restore.sqlite3");
    const restored = await borela(["restore", "remote-shop", "-o", output, "--data-dir", core.config.dataDir], { BORELA_FILE_REPLICA_ROOTS: tmp.path });
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^restoring remote-shop\/app\n/);
    expect(restored.stdout).toMatch(/\n  check: \d+ WAL segment\(s\) checked: checksums ok, no overlap, no hole\n/);
    expect(tableCounts(output)).toEqual(tableCounts(path.join(tmp.path, "plain.sqlite3")));
    expect(readdirSync(core.config.drillDir).filter((d) => d.startsWith("restore-"))).toEqual([]);
  }, 60_000);
});

describe("the restores API keeps nothing longer than needed", () => {
  it("a restored file is sent once, then gone; DELETE removes one never fetched", async () => {
    const project = (await core.api("GET", "/api/v1/projects")).body.find((p: { name: string }) => p.name === "remote-shop");
    const start = async () => {
      const res = await core.api("POST", `/api/v1/projects/${project.id}/restores`, { body: {} });
      expect(res.status).toBe(202);
      for (let i = 0; i < 200; i++) {
        const job = await core.api("GET", `/api/v1/restores/${res.body.id}`);
        if (job.body.status !== "running") return job.body;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("restore still running after 20 s");
    };
    const restoreDirs = () => readdirSync(core.config.drillDir).filter((d) => d.startsWith("restore-"));

    const first = await start();
    expect(first).toMatchObject({ status: "ready", database: "app", error: null, outcome: { bytes: expect.any(Number) } });
    expect(JSON.stringify(first)).not.toContain(core.config.drillDir);
    expect(restoreDirs()).toHaveLength(1);
    const file = await fetch(`${core.url}/api/v1/restores/${first.id}/file`, { headers: { authorization: `Bearer ${core.adminToken}` } });
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(first.outcome.bytes);
    // The file is removed once the response has ended: poll (bounded) rather than guess how long that takes under load.
    for (let i = 0; i < 100 && restoreDirs().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await core.api("GET", `/api/v1/restores/${first.id}/file`)).status).toBe(404);
    expect(restoreDirs()).toEqual([]);

    const second = await start();
    expect((await core.api("DELETE", `/api/v1/restores/${second.id}`)).status).toBe(204);
    expect(restoreDirs()).toEqual([]);
    expect((await core.api("POST", `/api/v1/projects/${project.id}/restores`, { body: { database: "nope" } })).body.message).toBe('no database named "nope" in remote-shop (known: app)');
    expect((await core.api("GET", `/api/v1/restores/${second.id}`, { token: "bradm_wrong" })).status).toBe(401);
  }, 60_000);
});
