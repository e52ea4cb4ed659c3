// A drill restores what `litestream restore` 0.3.13 of the same replica
// restores, or fails with Litestream's reason: replica histories where
// "the newest generation with a snapshot" (the old rule) passed a drill that a
// real restore could not repeat, two replicators on one path, a damaged middle
// WAL segment. Every case runs the real binary twice: through the drill, and
// as a plain `litestream restore` (no -generation: Litestream chooses) of the
// same replica, and compares.
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { fileReplicaCase, plainRestorer } from "./file-replica-case.ts";
import { twoReplicators } from "./two-replicators.ts";
import { readReplica } from "../../src/litestream/replica-reader.ts";
import { addRows, replicate, reportDatabase, runDrillNow, tableCounts } from "./fixtures.ts";

const core = useTestCore();
const tmp = useTmpDir("borela-truth-");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const setup = (name: string) => fileReplicaCase(core, tmp.path, name);

/** Litestream's own state next to the database: without it, the next `replicate` starts a new generation. */
function forgetGeneration(file: string): void {
  rmSync(path.join(path.dirname(file), `.${path.basename(file)}-litestream`), { recursive: true, force: true });
}

const generations = (replicaDir: string) => readdirSync(path.join(replicaDir, "generations")).sort();
const dirOf = (replicaDir: string, generation: string, kind: "snapshots" | "wal") => path.join(replicaDir, "generations", generation, kind);

const plainRestore = plainRestorer(() => tmp.path);

/** Two generations: the first with `first` rows added, the second (newest) with `second` more. */
async function twoGenerations(s: Awaited<ReturnType<typeof setup>>) {
  await replicate(s.dir, s.file, s.target, [(f) => addRows(f, 5, 5)]);
  const older = tableCounts(s.file);
  const [first] = generations(s.replicaDir);
  forgetGeneration(s.file);
  await replicate(s.dir, s.file, s.target, [(f) => addRows(f, 20, 20)]);
  const [second] = generations(s.replicaDir).filter((g) => g !== first);
  return { first, second, older };
}

describe("a drill restores what litestream restore restores", () => {
  it("fails, as litestream restore does, when the newest generation lost its snapshot while an older one is intact", async () => {
    const s = await setup("lost-snapshot");
    const { first, second, older } = await twoGenerations(s);
    for (const f of readdirSync(dirOf(s.replicaDir, second, "snapshots"))) rmSync(path.join(dirOf(s.replicaDir, second, "snapshots"), f));
    const wal = readdirSync(dirOf(s.replicaDir, second, "wal")).length;
    await reportDatabase(core, s.project.agentToken, s.file, s.url, tableCounts(s.file), { position: { generation: second, index: 0, offset: 4152 }, changedAt: new Date().toISOString() });

    const drill = await runDrillNow(core, s.project.id);
    const plain = await plainRestore(s.replicaDir);
    expect(plain).toEqual({ error: "litestream restore failed: cannot find snapshot index by timestamp: no snapshots available" });
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toBe(
      `litestream restore of ${s.url} would fail: generation ${second}, the one a restore uses, has no snapshot (${wal} WAL segment(s) only): litestream restore fails with "no snapshots available"`,
    );
    expect(drill.report.tables).toEqual({});
    expect(drill.report.rpoSeconds).toBeNull();
    // The older generation is still whole: restoring it by name gives its rows, which the old rule passed as "the backup".
    expect(first).not.toBe(second);
    expect(older.users).toBeLessThan(tableCounts(s.file).users);
  });

  it("fails when the generation a restore uses is not the live one, and passes with an RPO measured from the live position", async () => {
    const s = await setup("live-generation");
    await replicate(s.dir, s.file, s.target, [(f) => addRows(f, 3, 3)]);
    const [generation] = generations(s.replicaDir);
    const counts = tableCounts(s.file);
    const plain = await plainRestore(s.replicaDir);
    expect(plain).toEqual({ tables: counts });

    await reportDatabase(core, s.project.agentToken, s.file, s.url, counts, { position: { generation: "ffffffffffffffff", index: 0, offset: 32 }, changedAt: new Date().toISOString() });
    const elsewhere = await runDrillNow(core, s.project.id);
    expect(elsewhere.status).toBe("failed");
    expect(elsewhere.report.error).toBe(
      `restored generation ${generation}, but the live database is on generation ffffffffffffffff (it has nothing in the replica yet): a restore now would not bring back the live data`,
    );

    // Caught up: the restore reaches the live position, RPO 0 measured.
    const end = (await readReplica(s.target)).position!;
    await reportDatabase(core, s.project.agentToken, s.file, s.url, counts, { position: end, changedAt: new Date().toISOString() });
    const caughtUp = await runDrillNow(core, s.project.id);
    expect(caughtUp.status).toBe("passed");
    expect(caughtUp.report.tables).toEqual((plain as { tables: Record<string, number> }).tables);
    expect(caughtUp.report.rpoSeconds).toBe(0);

    // Behind: live changes the replica does not hold; RPO = last change − restore point (a change reported in the
    // future would be capped at the heartbeat's receive time, so the change is now).
    const changedAt = new Date();
    await reportDatabase(core, s.project.agentToken, s.file, s.url, counts, { position: { ...end, offset: end.offset + 4120 }, changedAt: changedAt.toISOString() });
    const behind = await runDrillNow(core, s.project.id);
    expect(behind.report.rpoSeconds).toBeCloseTo((changedAt.getTime() - Date.parse(behind.report.restorePoint)) / 1000, 3);
    expect(behind.report.rpoSeconds).toBeGreaterThan(0);

    // Nothing known about the live database: not measured, never 0.
    await reportDatabase(core, s.project.agentToken, s.file, s.url, counts, { position: null, changedAt: null });
    const unknown = await runDrillNow(core, s.project.id);
    expect(unknown.status).toBe("passed");
    expect(unknown.report.rpoSeconds).toBeNull();
  });

  it("ignores an empty newest generation directory, as litestream restore does", async () => {
    const s = await setup("empty-generation");
    await replicate(s.dir, s.file, s.target, [(f) => addRows(f, 4, 4)]);
    mkdirSync(path.join(s.replicaDir, "generations", "ffffffffffffffff", "wal"), { recursive: true });
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const drill = await runDrillNow(core, s.project.id);
    const plain = await plainRestore(s.replicaDir);
    expect(drill.status).toBe("passed");
    expect(plain).toEqual({ tables: drill.report.tables });
    expect(drill.report.tables).toEqual(tableCounts(s.file));
  });

  it("fails, as litestream restore crashes, when the snapshot's index is above the WAL", async () => {
    const s = await setup("snapshot-above-wal");
    await replicate(s.dir, s.file, s.target, [(f) => addRows(f, 2, 2)]);
    const [generation] = generations(s.replicaDir);
    const snapshots = dirOf(s.replicaDir, generation, "snapshots");
    renameSync(path.join(snapshots, "00000000.snapshot.lz4"), path.join(snapshots, "00000003.snapshot.lz4"));
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const drill = await runDrillNow(core, s.project.id);
    const plain = await plainRestore(s.replicaDir);
    expect(plain).toEqual({ error: "litestream restore failed: litestream crashed: makechan: size out of range" });
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toBe(
      `litestream restore of ${s.url} would fail: WAL of generation ${generation} ends at index 0, below its snapshot's index 3 (00000003.snapshot.lz4): litestream restore crashes ("makechan: size out of range")`,
    );
  });

  it("restores a point in time inside an older generation like litestream restore, and fails between generations as it does", async () => {
    const s = await setup("pit-generations");
    let inside = new Date();
    let atInside: Record<string, number> = {};
    await replicate(s.dir, s.file, s.target, [
      (f) => addRows(f, 3, 3),
      async (f) => {
        atInside = tableCounts(f);
        await sleep(600);
        inside = new Date();
        await sleep(600);
      },
      (f) => addRows(f, 7, 7),
    ]);
    await sleep(600);
    const between = new Date();
    await sleep(600);
    forgetGeneration(s.file);
    await replicate(s.dir, s.file, s.target, [(f) => addRows(f, 30, 30)]);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);

    const drill = await runDrillNow(core, s.project.id, { timestamp: inside.toISOString() });
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(await plainRestore(s.replicaDir, inside)).toEqual({ tables: drill.report.tables });
    expect(drill.report.tables).toEqual(atInside);

    const gap = await runDrillNow(core, s.project.id, { timestamp: between.toISOString() });
    expect(await plainRestore(s.replicaDir, between)).toEqual({ error: "litestream restore failed: no matching backups found" });
    expect(gap.status).toBe("failed");
    expect(gap.report.error).toMatch(new RegExp(`^litestream restore of ${s.url} would fail: no matching backups found: no generation spans ${between.toISOString()} \\([0-9a-f]{16} spans .* – .*; [0-9a-f]{16} spans .* – .*\\)$`));
  });

  it("names the damaged file when a byte flips inside a middle WAL segment", async () => {
    const s = await setup("flipped-byte");
    const batches = Array.from({ length: 5 }, () => async (f: string) => {
      addRows(f, 4, 4);
      await sleep(500);
    });
    await replicate(s.dir, s.file, s.target, batches);
    await reportDatabase(core, s.project.agentToken, s.file, s.url);
    const [generation] = generations(s.replicaDir);
    const wal = readdirSync(dirOf(s.replicaDir, generation, "wal")).sort();
    expect(wal.length).toBeGreaterThanOrEqual(4);
    const victim = path.join(dirOf(s.replicaDir, generation, "wal"), wal[2]);
    const bytes = readFileSync(victim);
    bytes[bytes.length - 12] ^= 0x01; // inside the last block's data: the frame still parses
    writeFileSync(victim, bytes);

    const drill = await runDrillNow(core, s.project.id);
    const plain = await plainRestore(s.replicaDir);
    expect(plain).toMatchObject({ error: expect.stringMatching(new RegExp(`cannot download wal ${generation}/00000000: lz4: `)) });
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toBe(`backup is damaged: WAL segment ${wal[2]} of generation ${generation} (${victim}) cannot be read: invalid frame checksum: the content does not match it`);
    expect(existsSync(victim)).toBe(true);
  });
});

describe("two replicators on one replica", () => {
  it("fails the drill naming the overlapping segments, where a plain litestream restore silently loses rows; the replica reader reports it", async () => {
    const s = await setup("two-replicators");
    await twoReplicators(s, async () => {
      const state = await readReplica(s.target);
      expect(state.problems).toEqual([expect.stringMatching(/^overlapping WAL segments at index \d+ of generation [0-9a-f]{16} \([0-9a-f_]+\.wal\.lz4 ends at byte \d+, [0-9a-f_]+\.wal\.lz4 starts at \d+.*\): two processes replicate to this path$/)]);
    });
    const live = tableCounts(s.file);
    await reportDatabase(core, s.project.agentToken, s.file, s.url, live);
    const drill = await runDrillNow(core, s.project.id);
    const plain = await plainRestore(s.replicaDir);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(/^backup is damaged: overlapping WAL segments at index \d+ of generation [0-9a-f]{16} \(.+\): two processes replicate to this path$/);
    expect(drill.report.error).not.toMatch(/hole/);
    // What the drill refuses to pass: a restore that "works" with rows missing.
    const total = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);
    expect("tables" in plain).toBe(true);
    expect(total((plain as { tables: Record<string, number> }).tables)).toBeLessThan(total(live));
  });
});
