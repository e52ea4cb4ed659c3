// Litestream 0.3.13's restore target rules on replica listings, including the
// shapes where choosing "the newest generation with a snapshot" (the old rule)
// disagreed with `litestream restore`. The real binary agrees in
// core/test/drills/restore-truth.test.ts.
import { describe, expect, it } from "vitest";
import { planRestore, segmentName } from "../../src/litestream/restore-plan.ts";
import type { ReplicaFile } from "../../src/litestream/replica-reader.ts";

const G1 = "1111111111111111";
const G2 = "2222222222222222";
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const snapshot = (generation: string, index: number, second: number): ReplicaFile => ({ generation, kind: "snapshot", index, offset: 0, size: 100, modifiedAt: t(second), key: `${generation}/s/${index}` });
const wal = (generation: string, index: number, offset: number, second: number): ReplicaFile => ({ generation, kind: "wal", index, offset, size: 10, modifiedAt: t(second), key: `${generation}/w/${index}/${offset}` });
const names = (files: ReplicaFile[]) => files.map(segmentName);

describe("planRestore", () => {
  const two = [snapshot(G1, 0, 1), wal(G1, 0, 0, 2), wal(G1, 0, 4152, 3), snapshot(G2, 0, 10), wal(G2, 0, 0, 11), wal(G2, 1, 0, 12)];

  it("restores the generation with the newest file: its newest snapshot and every WAL segment from its index", () => {
    const result = planRestore(two);
    expect(result.ok && result.plan).toMatchObject({ generation: G2, timestamp: null, restorePoint: t(12) });
    expect(result.ok && names([result.plan.snapshot, ...result.plan.wal])).toEqual(["00000000.snapshot.lz4", "00000000_00000000.wal.lz4", "00000001_00000000.wal.lz4"]);
  });

  it("fails like Litestream when the newest generation lost its snapshot, even though an older one is intact", () => {
    const result = planRestore(two.filter((f) => !(f.generation === G2 && f.kind === "snapshot")));
    expect(result).toEqual({ ok: false, reason: `generation ${G2}, the one a restore uses, has no snapshot (2 WAL segment(s) only): litestream restore fails with "no snapshots available"` });
  });

  it("fails for a newer generation holding only WAL", () => {
    const result = planRestore([...two.filter((f) => f.generation === G1), wal(G2, 0, 0, 20)]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^generation 2{16}, the one a restore uses, has no snapshot/);
  });

  it("takes the snapshot created last, not the highest index", () => {
    const result = planRestore([snapshot(G1, 3, 1), snapshot(G1, 1, 5), wal(G1, 1, 0, 6), wal(G1, 2, 0, 7), wal(G1, 3, 0, 8)]);
    expect(result.ok && result.plan.snapshot.index).toBe(1);
    expect(result.ok && result.plan.wal.map((f) => f.index)).toEqual([1, 2, 3]);
  });

  it("fails when the snapshot's index is two or more above the last WAL index (Litestream panics); one above restores the snapshot only", () => {
    const crash = planRestore([snapshot(G1, 3, 5), wal(G1, 0, 0, 1), wal(G1, 1, 0, 2)]);
    expect(!crash.ok && crash.reason).toBe(`WAL of generation ${G1} ends at index 1, below its snapshot's index 3 (00000003.snapshot.lz4): litestream restore crashes ("makechan: size out of range")`);
    const only = planRestore([snapshot(G1, 2, 5), wal(G1, 0, 0, 1), wal(G1, 1, 0, 2)]);
    expect(only.ok && only.plan.wal).toEqual([]);
  });

  it("fails on an index without its initial segment, below the snapshot's index too, and on a missing index", () => {
    const noStart = planRestore([wal(G1, 0, 4152, 1), snapshot(G1, 1, 2), wal(G1, 1, 0, 3)]);
    expect(!noStart.ok && noStart.reason).toBe(`WAL index 0 of generation ${G1} has no initial segment (the first is 00000000_00001038.wal.lz4): litestream restore fails with "missing initial wal segment"`);
    const missing = planRestore([snapshot(G1, 0, 1), wal(G1, 0, 0, 2), wal(G1, 2, 0, 3)]);
    expect(!missing.ok && missing.reason).toMatch(/^WAL index 1 of generation 1{16} is missing \(segments go up to index 2\)/);
  });

  it("ignores WAL segments below the snapshot's index, and a generation with no files", () => {
    const result = planRestore([wal(G1, 0, 0, 1), snapshot(G1, 1, 2), wal(G1, 1, 0, 3)]);
    expect(result.ok && result.plan.wal.map((f) => f.index)).toEqual([1]);
  });

  it("for a point in time, uses the generation whose span holds it, the snapshot before it and the WAL up to the first segment after it", () => {
    const inOld = planRestore(two, { timestamp: t(2) });
    expect(inOld.ok && inOld.plan).toMatchObject({ generation: G1, restorePoint: t(2), timestamp: t(2) });
    expect(inOld.ok && inOld.plan.wal.length).toBe(1);
    // Between generations, or after the last file: Litestream finds no backup at all.
    const between = planRestore(two, { timestamp: t(5) });
    expect(!between.ok && between.reason).toBe(
      `no matching backups found: no generation spans ${t(5).toISOString()} (${G1} spans ${t(1).toISOString()} – ${t(3).toISOString()}; ${G2} spans ${t(10).toISOString()} – ${t(12).toISOString()})`,
    );
    expect(planRestore(two, { timestamp: t(60) }).ok).toBe(false);
    // WAL is read in index order up to the first segment created after the time, even if later ones are older.
    const outOfOrder = planRestore([snapshot(G1, 0, 1), wal(G1, 0, 0, 2), wal(G1, 1, 0, 9), wal(G1, 2, 0, 3)], { timestamp: t(5) });
    expect(outOfOrder.ok && outOfOrder.plan.wal.map((f) => f.index)).toEqual([0]);
  });

  it("says so when the replica is empty", () => {
    expect(planRestore([])).toEqual({ ok: false, reason: "no matching backups found: the replica holds no generation" });
  });
});
