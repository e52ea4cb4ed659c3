// WAL continuity before a restore: which generation a restore uses, and the
// holes (a missing index, a gap between offsets) that would end it early.
import { describe, expect, it } from "vitest";
import { pickGeneration, walGaps } from "../../src/drills/wal-gaps.ts";
import type { ReplicaFile } from "../../src/litestream/replica-reader.ts";

const G1 = "1111111111111111";
const G2 = "2222222222222222";
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

function snapshot(generation: string, index: number, second: number): ReplicaFile {
  return { generation, kind: "snapshot", index, offset: 0, size: 100, modifiedAt: t(second), key: `${generation}/s/${index}` };
}
/** A WAL segment whose uncompressed size is `bytes` (read by the sizeOf below from its key). */
function wal(generation: string, index: number, offset: number, bytes: number, second: number): ReplicaFile {
  return { generation, kind: "wal", index, offset, size: 10, modifiedAt: t(second), key: `${bytes}` };
}
const sizeOf = async (f: ReplicaFile) => Number(f.key);

describe("pickGeneration", () => {
  const files = [snapshot(G1, 0, 1), wal(G1, 0, 0, 4152, 2), snapshot(G2, 0, 10), wal(G2, 0, 0, 4152, 11)];
  it("takes the newest generation, or for a point in time the newest with a snapshot before it", () => {
    expect(pickGeneration(files, null)).toBe(G2);
    expect(pickGeneration(files, t(5))).toBe(G1);
    expect(pickGeneration(files, t(0))).toBeNull();
    expect(pickGeneration([], null)).toBeNull();
  });
});

describe("walGaps", () => {
  it("finds none in a continuous run of segments across indexes", async () => {
    const files = [snapshot(G1, 0, 1), wal(G1, 0, 0, 4152, 1), wal(G1, 0, 4152, 8304, 2), wal(G1, 1, 0, 4152, 3), wal(G1, 2, 0, 32, 4)];
    expect(await walGaps(files, G1, null, sizeOf)).toEqual([]);
  });

  it("names a missing index", async () => {
    const files = [snapshot(G1, 0, 1), wal(G1, 0, 0, 4152, 1), wal(G1, 2, 0, 4152, 3)];
    expect(await walGaps(files, G1, null, sizeOf)).toEqual([`WAL index 1 of generation ${G1} is missing (segments go up to index 2)`]);
  });

  it("names a hole between offsets (a removed or truncated segment)", async () => {
    const files = [snapshot(G1, 0, 1), wal(G1, 0, 0, 4152, 1), wal(G1, 0, 8304, 4152, 2)];
    expect(await walGaps(files, G1, null, sizeOf)).toEqual([`WAL index 0 of generation ${G1} has a hole: bytes 4152–8304 are missing`]);
  });

  it("starts at the newest snapshot and ignores segments after the point in time", async () => {
    const files = [snapshot(G1, 0, 1), snapshot(G1, 3, 5), wal(G1, 3, 0, 4152, 6), wal(G1, 5, 0, 4152, 9)];
    expect(await walGaps(files, G1, null, sizeOf)).toEqual([`WAL index 4 of generation ${G1} is missing (segments go up to index 5)`]);
    expect(await walGaps(files, G1, t(7), sizeOf)).toEqual([]);
  });

  it("reports a generation without a snapshot", async () => {
    expect(await walGaps([wal(G1, 0, 0, 4152, 1)], G1, null, sizeOf)).toEqual([`generation ${G1} has no snapshot`]);
  });
});
