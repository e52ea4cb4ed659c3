// The agent's read of a Litestream 0.3 replica (replica-reader.ts) sizes the WAL segments a restore applies
// to state where the replica ends. It read each segment whole, eight at a time, up to 256 MiB each, in the
// agent that runs beside the app; the first sync of a bulk load is one segment as large as its changes. Now
// each is read in 4 MiB pieces with its checksums checked. Here the real Litestream 0.3 replicates 64 MiB of
// incompressible rows; this process (standing for the agent) samples its ArrayBuffer memory while it reads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { arrayBufferPeak } from "../support/array-buffer-peak.ts";
import { addRows, bulkLoad, replicate, seededDatabase } from "../drills/fixtures.ts";
import { readReplica } from "../../src/litestream/replica-reader.ts";
import { lz4ContentSize } from "../../src/litestream/lz4.ts";
import { parseReplicaKey } from "../../src/litestream/replica-files.ts";

const MiB = 1024 * 1024;
const LOAD_BYTES = 64 * MiB;

let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-reader-memory-");
});
afterAll(async () => {
  await tmp?.remove();
});


/** The WAL segments of a file replica, as paths. */
function segments(replicaDir: string): string[] {
  const gens = path.join(replicaDir, "generations");
  return readdirSync(gens).flatMap((g) => readdirSync(path.join(gens, g, "wal")).map((f) => path.join(gens, g, "wal", f)));
}

/** The segment a restore ends with: the highest index, then offset (replica-files.ts parses the names). */
function newestSegment(replicaDir: string): string {
  const parsed = segments(replicaDir).map((f) => ({ f, key: parseReplicaKey(f)! }));
  parsed.sort((a, b) => b.key.index - a.key.index || b.key.offset - a.key.offset);
  return parsed[0].f;
}


describe("the agent's read of a Litestream 0.3 replica", () => {
  it("holds a few MiB while it sizes a WAL segment as large as the load, and ends the replica where the segment's content ends", async () => {
    const dir = path.join(tmp.path, "big-segment");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    const target = { type: "file" as const, path: replicaDir };
    // The first batch is taken by Litestream's first snapshot; the load after it goes to WAL segments.
    await replicate(dir, file, target, [(f) => addRows(f, 1, 1), (f) => bulkLoad(f, LOAD_BYTES)]);
    const largest = Math.max(...segments(replicaDir).map((f) => statSync(f).size));
    expect(largest).toBeGreaterThan(LOAD_BYTES * 0.9);

    const { result: state, growth, samples } = await arrayBufferPeak(() => readReplica(target));
    console.log(`0.3 replica read: ArrayBuffer growth ${(growth / MiB).toFixed(1)} MiB (${samples} samples; largest segment ${(largest / MiB).toFixed(1)} MiB)`);

    const newest = newestSegment(replicaDir);
    const key = parseReplicaKey(newest)!;
    expect(state.problems).toEqual([]);
    expect(state.position).toEqual({ generation: key.generation, index: key.index, offset: key.offset + lz4ContentSize(new Uint8Array(readFileSync(newest))) });
    expect(samples).toBeGreaterThan(10);
    // Old code: every segment a restore applies read whole, eight at once (the 64 MiB one among them).
    expect(growth).toBeLessThan(LOAD_BYTES / 2);
  }, 60_000);

  it("a damaged newest segment is a problem naming it (a restore would fail), and the replica reaches only its start", async () => {
    const dir = path.join(tmp.path, "damaged");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    const target = { type: "file" as const, path: replicaDir };
    await replicate(dir, file, target, [(f) => addRows(f, 1, 1), (f) => bulkLoad(f, 2 * MiB)]);
    const newest = newestSegment(replicaDir);
    const good = readFileSync(newest);
    const bytes = Buffer.from(good);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(newest, bytes);
    const key = parseReplicaKey(newest)!;
    const cache = new Map<string, number | string>();
    const state = await readReplica(target, { sizeCache: cache });
    expect(state.problems).toHaveLength(1);
    expect(state.problems[0]).toMatch(new RegExp(`^litestream restore of file://.* would fail: WAL segment ${key.index.toString(16).padStart(8, "0")}_${key.offset.toString(16).padStart(8, "0")}.* of generation ${key.generation} is damaged \\(.*(checksum|offset|runs past)`));
    expect(state.position).toEqual({ generation: key.generation, index: key.index, offset: key.offset });
    // The agent's next read (same cache) names it again without reading it: the good bytes put back are not seen.
    writeFileSync(newest, good);
    const again = await readReplica(target, { sizeCache: cache });
    expect({ problems: again.problems, position: again.position }).toEqual({ problems: state.problems, position: state.position });
  }, 60_000);
});
