// `borela restore` refuses what a drill refuses, with the drill's own checks
// (drills/restore-check.ts): a tester's replica with overlapping WAL segments
// (two replicators) made the old `borela restore` exit 0 with 1078 of 1418
// rows; a flipped byte in a WAL segment gave only Litestream's "cannot download
// wal …: lz4: invalid frame checksum" without the segment's file. Each case
// also runs a plain `litestream restore` of the same replica, for comparison.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cleanEnv, runBorela } from "../support/borela-cli.ts";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { fileReplicaCase, plainRestorer } from "./file-replica-case.ts";
import { twoReplicators } from "./two-replicators.ts";
import { addRows, replicate, reportDatabase, tableCounts } from "./fixtures.ts";

const clean = cleanEnv();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const total = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);
const core = useTestCore();
const tmp = useTmpDir("borela-restore-checks-");


function borela(...args: string[]) {
  return runBorela(args, { cwd: tmp.path, env: { ...clean, BORELA_SERVER: core.url, BORELA_ADMIN_TOKEN: core.adminToken } });
}

const setup = (name: string) => fileReplicaCase(core, tmp.path, name);

const plainRestore = plainRestorer(() => tmp.path);

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
    await twoReplicators(s);
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
