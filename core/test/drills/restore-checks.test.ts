// `borela restore` refuses what a drill refuses, with the drill's own checks
// (drills/restore-check.ts): a tester's replica with overlapping WAL segments
// (two replicators) made the old `borela restore` exit 0 with 1078 of 1418
// rows; a flipped byte in a WAL segment gave only Litestream's "cannot download
// wal …: lz4: invalid frame checksum" without the segment's file. Each case
// also runs a plain `litestream restore` of the same replica, for comparison.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restore } from "../../src/litestream/commands.ts";
import { startLitestream } from "../litestream/live.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { addRows, replicate, reportDatabase, seededDatabase, tableCounts } from "./fixtures.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/borela.js");
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BORELA_")));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const total = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);
let core: TestCore;
let tmp: TmpDir;

beforeAll(async () => {
  core = await startTestCore();
  tmp = await tmpDir("borela-restore-checks-");
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

function borela(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp.path, env: { ...clean, BORELA_SERVER: core.url, BORELA_ADMIN_TOKEN: core.adminToken }, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 99) : 0, stdout, stderr });
    });
  });
}

async function setup(name: string) {
  const dir = path.join(tmp.path, name);
  const file = seededDatabase(dir);
  const replicaDir = path.join(dir, "replica");
  const project = await core.createProject(name);
  return { dir, file, replicaDir, project, url: `file://${replicaDir}`, target: { type: "file" as const, path: replicaDir } };
}

let plainCount = 0;
async function plainRestore(replicaDir: string): Promise<{ tables: Record<string, number> } | { error: string }> {
  const output = path.join(tmp.path, `plain-${++plainCount}.sqlite3`);
  try {
    await restore({ replica: { type: "file", path: replicaDir } }, { outputPath: output, timeoutMs: 30_000 });
    return { tables: tableCounts(output) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe("borela restore runs the drill's pre-checks", () => {
  it("a flipped byte in a WAL segment: refused naming the segment's file; --force gets Litestream's error with the files named", async () => {
    const s = await setup("restore-flipped");
    const batches = Array.from({ length: 5 }, () => async (f: string) => {
      addRows(f, 4, 4);
      await sleep(500);
    });
    await replicate(s.dir, s.file, s.target, batches);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const [generation] = readdirSync(path.join(s.replicaDir, "generations"));
    const walDir = path.join(s.replicaDir, "generations", generation, "wal");
    const wal = readdirSync(walDir).sort();
    expect(wal.length).toBeGreaterThanOrEqual(4);
    const victim = path.join(walDir, wal[2]);
    const bytes = readFileSync(victim);
    bytes[bytes.length - 12] ^= 0x01;
    writeFileSync(victim, bytes);

    const plain = await plainRestore(s.replicaDir);
    expect(plain).toMatchObject({ error: expect.stringMatching(new RegExp(`cannot download wal ${generation}/00000000: lz4: `)) });

    const output = path.join(tmp.path, "flipped.sqlite3");
    const refused = await borela("restore", "restore-flipped", "-o", output);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `borela restore: refusing to restore restore-flipped/app from ${s.url}: backup is damaged: WAL segment ${wal[2]} of generation ${generation} (${victim}) cannot be read: invalid frame checksum: the content does not match it (--force restores anyway; the result may lack rows)\n`,
    );
    expect(existsSync(output)).toBe(false);

    const forced = await borela("restore", "restore-flipped", "-o", output, "--force");
    expect(forced.code).toBe(1);
    expect(forced.stdout).toContain("  check: warning: backup is damaged: WAL segment");
    expect(forced.stderr).toMatch(new RegExp(`^borela restore: cannot restore restore-flipped/app from ${s.url}: .*cannot download wal ${generation}/00000000: lz4: .*\\(WAL segments of index 0: .*${wal[2]}.*\\)\\n$`));
    expect(existsSync(output)).toBe(false);
  }, 120_000);

  it("overlapping WAL segments (two replicators): refused naming the overlap, where litestream restore silently loses rows; --force restores what it restores", async () => {
    const s = await setup("restore-overlap");
    const first = await startLitestream(path.join(s.dir, "one"), s.file, s.target);
    let second: Awaited<ReturnType<typeof startLitestream>> | null = null;
    try {
      await first.caughtUp();
      second = await startLitestream(path.join(s.dir, "two"), s.file, s.target);
      const writer = await startSqliteWriter({ path: s.file, ratePerSecond: 25, durationMs: 4_000 });
      await writer.exited;
      await sleep(1_500);
    } finally {
      await second?.stop();
      await first.stop();
    }
    const live = tableCounts(s.file);
    await reportDatabase(core, s.project.agentToken, s.file, s.url, live);
    const plain = await plainRestore(s.replicaDir);
    expect("tables" in plain).toBe(true);
    const plainTables = (plain as { tables: Record<string, number> }).tables;
    expect(total(plainTables)).toBeLessThan(total(live));

    const output = path.join(tmp.path, "overlap.sqlite3");
    const refused = await borela("restore", "restore-overlap", "-o", output);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`^borela restore: refusing to restore restore-overlap/app from ${s.url}: backup is damaged: overlapping WAL segments at index \\d+ of generation [0-9a-f]{16} \\([0-9a-f_]+\\.wal\\.lz4 ends at byte \\d+, [0-9a-f_]+\\.wal\\.lz4 starts at \\d+.*\\): two processes replicate to this path \\(--force restores anyway; the result may lack rows\\)\\n$`),
    );
    expect(existsSync(output)).toBe(false);

    const forced = await borela("restore", "restore-overlap", "-o", output, "--force");
    expect(forced.stderr).toBe("");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/\n  check: warning: backup is damaged: overlapping WAL segments at index \d+/);
    expect(tableCounts(output)).toEqual(plainTables);
  }, 120_000);
});
