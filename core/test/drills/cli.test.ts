// The drill commands as an operator runs them against a running core (through
// its API, as with `npm start` then `npx borela drill run <project> --wait`):
// exit 0 when the drill passed and 1 when not, with the steps printed;
// `borela drill list`; `borela restore -o`.
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runBorela } from "../support/borela-cli.ts";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { addRows, replicate, tableCounts } from "./fixtures.ts";
import { replicatedProject as replicatedProjectOn } from "./replicated-project.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const core = useTestCore();
const tmp = useTmpDir("borela-drill-cli-");

function borela(...args: string[]) {
  return runBorela(args, { cwd: root, env: { ...process.env, BORELA_SERVER: core.url, BORELA_ADMIN_TOKEN: core.adminToken, BORELA_LOG_LEVEL: "warn" }, timeoutMs: 60_000 });
}

const replicatedProject = (name: string) => replicatedProjectOn(core, tmp.path, name);

describe("borela drill and borela restore", () => {
  it("drill run --wait prints each step and exits 0 when the drill passed, 1 when it failed", async () => {
    const good = await replicatedProject("cli-good");
    const passed = await borela("drill", "run", "cli-good", "--wait");
    expect(passed.stderr).toBe("");
    expect(passed.code).toBe(0);
    const counts = tableCounts(good.file);
    expect(passed.stdout).toMatch(/^queued 1 drill\(s\) for cli-good: \w+\n/);
    expect(passed.stdout).toMatch(/\[app\] inspect-replica: generation [0-9a-f]{16}: snapshot 00000000\.snapshot\.lz4, \d+ WAL segment\(s\) to apply up to [0-9a-f]{8}_[0-9a-f]{8}\.wal\.lz4; 1 snapshot\(s\), \d+ WAL segment\(s\), [\d.]+ KiB stored\n/);
    expect(passed.stdout).toMatch(/\[app\] disk: [\d.]+ [KMGT]iB free in .+, [\d.]+ MiB needed\n/);
    expect(passed.stdout).toMatch(/\[app\] restore: restored [\d.]+ KiB in \d+\.\d\ds\n/);
    expect(passed.stdout).toMatch(/\[app\] check: integrity_check: ok; 3 table\(s\), \d+ row\(s\) in \d+\.\d\ds\n/);
    expect(passed.stdout).toContain("[app] PASSED\n");
    for (const [table, n] of Object.entries(counts)) expect(passed.stdout).toMatch(new RegExp(`\\n  ${table} +${n}\\n`));

    const bad = await replicatedProject("cli-bad");
    const [generation] = readdirSync(path.join(bad.replicaDir, "generations"));
    const snapshots = path.join(bad.replicaDir, "generations", generation, "snapshots");
    const snapshot = path.join(snapshots, readdirSync(snapshots)[0]);
    const bytes = readFileSync(snapshot);
    for (let i = 20; i < bytes.length - 8; i += 7) bytes[i] ^= 0xff;
    writeFileSync(snapshot, bytes);
    const failed = await borela("drill", "run", bad.project.id, "--wait");
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/\[app\] FAILED: restore failed: /);

    const listed = await borela("drill", "list", "cli-good");
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split("\n")).toHaveLength(2);
    expect(listed.stdout).toMatch(/\n\w+ +app +passed +\S+ +(?:\d+ ms|\d+\.\ds|\d+s)/);
  });

  it("drill run without --wait only queues; an unknown project is a usage error naming the known ones", async () => {
    await replicatedProject("cli-queue");
    const queued = await borela("drill", "run", "cli-queue");
    expect(queued.code).toBe(0);
    const id = queued.stdout.match(/: (\w+)\n$/)![1];
    expect(await core.store.drill.findUnique({ where: { id } })).toMatchObject({ trigger: "manual" });

    const unknown = await borela("drill", "run", "nope", "--wait");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(new RegExp(`^borela drill: no project "nope" on ${core.url} \\(projects: .*cli-queue.*\\)\\n$`));
  });

  it("restore -o writes the latest backup and prints its size; it never overwrites a file", async () => {
    const { file } = await replicatedProject("cli-restore");
    const output = path.join(tmp.path, "restored.sqlite3");
    const restored = await borela("restore", "cli-restore", "-o", output);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`^restoring cli-restore/app on ${core.url}\n`));
    expect(restored.stdout).toMatch(new RegExp(`restored [\\d.]+ KiB to ${output} in \\d+\\.\\d\\ds \\(generation [0-9a-f]{16}, as of \\S+\\)\\n$`));
    expect(tableCounts(output)).toEqual(tableCounts(file));

    const again = await borela("restore", "cli-restore", "-o", output);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists; restore never overwrites a file");
  });

  it("restore names the replica and Litestream's reason when the newest generation lost its snapshot: exit 1, no stack trace", async () => {
    const { file, replicaDir } = await replicatedProject("cli-lost-snapshot");
    const [older] = readdirSync(path.join(replicaDir, "generations"));
    rmSync(path.join(path.dirname(file), `.${path.basename(file)}-litestream`), { recursive: true }); // the next replicate starts a new generation
    await replicate(path.dirname(file), file, { type: "file", path: replicaDir }, [(f) => addRows(f, 9, 9)]);
    const newest = readdirSync(path.join(replicaDir, "generations")).find((g) => g !== older)!;
    rmSync(path.join(replicaDir, "generations", newest, "snapshots"), { recursive: true });
    const output = path.join(tmp.path, "never-written.sqlite3");
    const result = await borela("restore", "cli-lost-snapshot", "-o", output);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^borela restore: cannot restore cli-lost-snapshot/app from file://${replicaDir}: generation ${newest}, the one a restore uses, has no snapshot \\(\\d+ WAL segment\\(s\\) only\\): litestream restore fails with "no snapshots available"\n$`),
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(output)).toBe(false);
  });
});
