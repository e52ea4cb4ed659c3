import { describe, expect, it } from "vitest";
import { overlappingSegments, walHoles } from "../../src/litestream/wal-continuity.ts";
import type { ReplicaFile } from "../../src/litestream/replica-reader.ts";

const G = "1111111111111111";
/** A segment whose uncompressed size is `bytes` (the sizeOf below reads it from the key). */
const wal = (index: number, offset: number, bytes: number): ReplicaFile => ({ generation: G, kind: "wal", index, offset, size: 10, modifiedAt: new Date(0), key: `${bytes}` });
const sizeOf = (f: ReplicaFile) => (f.key === "?" ? undefined : Number(f.key));

describe("overlappingSegments", () => {
  it("finds none in segments written end to end, across indexes", () => {
    expect(overlappingSegments([wal(0, 0, 4152), wal(0, 4152, 8240), wal(1, 0, 32)], sizeOf)).toEqual([]);
  });

  it("names a segment starting below the end of the one before it, as two replicating processes", () => {
    // The shape two `litestream replicate` of one database leave (offsets and sizes from a real run).
    const files = [wal(0, 0, 16512), wal(0, 16512, 61800), wal(0, 37112, 20600), wal(0, 57712, 41200), wal(1, 0, 4152)];
    expect(overlappingSegments(files, sizeOf)).toEqual([
      `overlapping WAL segments at index 0 of generation ${G} (00000000_00004080.wal.lz4 ends at byte 78312, 00000000_000090f8.wal.lz4 starts at 37112; 1 more overlap(s)): two processes replicate to this path`,
    ]);
  });

  it("names two segments with the same start even without their sizes", () => {
    const a = { ...wal(2, 4152, 0), key: "?" };
    expect(overlappingSegments([wal(2, 0, 4152), a, { ...a }], sizeOf)[0]).toMatch(/^overlapping WAL segments at index 2 .*00000002_00001038\.wal\.lz4 starts at 4152\): two processes replicate to this path$/);
  });
});

describe("walHoles", () => {
  it("names the bytes missing between two segments", () => {
    expect(walHoles([wal(0, 0, 4152), wal(0, 8304, 4152)], sizeOf)).toEqual([
      `WAL index 0 of generation ${G} has a hole: bytes 4152–8304 are missing between 00000000_00000000.wal.lz4 and 00000000_00002070.wal.lz4`,
    ]);
    expect(walHoles([wal(0, 0, 4152), wal(0, 4152, 4152)], sizeOf)).toEqual([]);
  });
});
