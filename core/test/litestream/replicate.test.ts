// Real Litestream 0.3.13 replicating to a file replica and to S3 (fauxqs on
// loopback), then restored with `litestream restore`: this is the proof that the
// S3 test server is good enough for Litestream, and that metrics, the replica
// reader and the CLI wrappers agree with each other.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restore, type RestoreProgress } from "../../src/litestream/commands.ts";
import { generations, snapshots, walSegments } from "../support/litestream-lists.ts";
import { readReplica } from "../../src/litestream/replica-reader.ts";
import type { ReplicaTarget } from "../../src/litestream/replica-url.ts";
import { startS3, type S3Server } from "../support/s3.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { countRows, createDatabase, startLitestream, type LiveLitestream } from "./live.ts";

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3();
  await s3.createBucket("backups");
});
afterAll(() => s3?.stop());

const replicas: Array<[string, (dir: string) => ReplicaTarget]> = [
  ["file", (dir) => ({ type: "file", path: path.join(dir, "replica") })],
  [
    "s3",
    (dir) => ({
      type: "s3",
      bucket: "backups",
      path: `apps/${path.basename(dir)}/primary`,
      endpoint: s3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    }),
  ],
];

describe.each(replicas)("litestream replicate → restore through a %s replica", (kind, makeReplica) => {
  let dir: TmpDir;
  let live: LiveLitestream;
  let replica: ReplicaTarget;
  let dbPath: string;

  beforeAll(async () => {
    dir = await tmpDir(`borela-ls-${kind}-`);
    dbPath = path.join(dir.path, "app.sqlite3");
    createDatabase(dbPath, 10);
    replica = makeReplica(dir.path);
    live = await startLitestream(dir.path, dbPath, replica);
  });
  afterAll(async () => {
    await live?.stop();
    await dir?.remove();
  });

  it("reports database and replica positions that meet once writes stop", async () => {
    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 100, durationMs: 800 });
    const { transactions } = await writer.exited;
    expect(transactions).toBeGreaterThan(20);
    const m = await live.caughtUp();
    expect(m.dbSize).toBeGreaterThan(4096);
    expect(m.shadowWalSize).toBeGreaterThan(0);
    expect(m.syncCount).toBeGreaterThan(0);
    expect(m.syncErrorCount).toBe(0);
    const r = [...m.replicas.values()][0];
    expect(r.name).toBe(kind);
    expect(r.walOffset).toBe(m.shadowWalSize);
  });

  it("reads the same position from storage as Litestream reports", async () => {
    const generation = (await readFile(path.join(dir.path, ".app.sqlite3-litestream", "generation"), "utf8")).trim();
    // Litestream may still be copying the last writes into the shadow WAL: compare
    // storage with a position Litestream reported both before and after the read.
    const { m, state } = await waitFor(
      async () => {
        const before = await live.caughtUp();
        const read = await readReplica(replica);
        const after = await live.caughtUp();
        const same = before.shadowWalIndex === after.shadowWalIndex && [...before.replicas.values()][0].walOffset === [...after.replicas.values()][0].walOffset;
        return same ? { m: after, state: read } : null;
      },
      { timeoutMs: 30_000, intervalMs: 300, what: "Litestream's position unchanged across a read of storage" },
    );
    expect(state.generation).toBe(generation);
    expect(state.position).toEqual({ generation, index: m.shadowWalIndex, offset: [...m.replicas.values()][0].walOffset });
    expect(state.storageBytes).toBeGreaterThan(0);
    expect(state.lastSnapshotAt).toBeInstanceOf(Date);
    expect(state.lastWalAt!.getTime()).toBeGreaterThanOrEqual(state.lastSnapshotAt!.getTime() - 1000);
    expect(Date.now() - state.lastWalAt!.getTime()).toBeLessThan(60_000);
  });

  it("lists generations, snapshots and WAL segments through the CLI", async () => {
    const source = { configPath: live.configPath, dbPath };
    // Litestream keeps writing (checkpoints): compare a listing taken while storage stood still.
    const { state, gens, snaps, wal } = await waitFor(
      async () => {
        const before = await readReplica(replica);
        const listed = {
          gens: await generations(source, { timeoutMs: 10_000 }),
          snaps: await snapshots(source, { timeoutMs: 10_000 }),
          wal: await walSegments(source, { timeoutMs: 10_000 }),
        };
        const after = await readReplica(replica);
        return JSON.stringify(before.position) === JSON.stringify(after.position) && before.storageBytes === after.storageBytes ? { state: after, ...listed } : null;
      },
      { timeoutMs: 15_000, intervalMs: 300, what: "a quiet moment in storage" },
    );
    expect(gens.map((g) => g.generation)).toEqual([state.generation]);
    expect(gens[0].replica).toBe(kind);
    expect(snaps.length).toBe(state.generations[0].snapshots);
    expect(wal.length).toBe(state.generations[0].walSegments);
    const newest = wal.reduce((a, b) => (b.index > a.index || (b.index === a.index && b.offset > a.offset) ? b : a));
    expect(newest.offset).toBe(state.newestWal!.offset);
    expect(wal.reduce((n, w) => n + w.size, 0) + snaps.reduce((n, s) => n + s.size, 0)).toBe(state.storageBytes);
  });

  it("restores every row after a clean stop (final sync on SIGTERM)", async () => {
    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 200, durationMs: 400 });
    await writer.exited;
    await live.stop();
    expect(live.process.running()).toBe(false);
    const expected = countRows(dbPath, "events");
    const out = path.join(dir.path, "restored.sqlite3");
    const progress: RestoreProgress[] = [];
    const result = await restore({ replica }, { outputPath: out, timeoutMs: 30_000, onProgress: (p) => progress.push(p) });
    expect(result.restored).toBe(true);
    expect(result.generation).toMatch(/^[0-9a-f]{16}$/);
    expect(progress.map((p) => p.stage)).toContain("snapshot");
    expect(progress.at(-1)?.stage).toBe("rename");
    expect(countRows(out, "events")).toBe(expected);
    expect(countRows(out, "users")).toBe(countRows(dbPath, "users"));
  });
});

describe("replica errors", () => {
  it("names the replica and S3's error code for wrong credentials and a missing bucket", async () => {
    const base = { type: "s3" as const, path: "x", endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true };
    const wrongKey: ReplicaTarget = { ...base, bucket: "backups", credentials: { accessKeyId: "WRONGKEY", secretAccessKey: "x" } };
    await expect(readReplica(wrongKey)).rejects.toMatchObject({ code: "InvalidAccessKeyId", message: expect.stringContaining("s3://backups/x") });
    const noBucket: ReplicaTarget = { ...base, bucket: "nope", credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: "x" } };
    await expect(readReplica(noBucket)).rejects.toMatchObject({ code: "NoSuchBucket", message: expect.stringContaining("s3://nope/x") });
  });

  it("treats a replica with nothing in it as empty, and restore says so", async () => {
    const dir = await tmpDir();
    try {
      const empty: ReplicaTarget = { type: "file", path: path.join(dir.path, "none") };
      expect(await readReplica(empty)).toMatchObject({ generation: null, position: null, storageBytes: 0 });
      const out = path.join(dir.path, "out.db");
      await expect(restore({ replica: empty }, { outputPath: out, timeoutMs: 10_000 })).rejects.toThrow(/no matching backups found/);
      expect(await restore({ replica: empty }, { outputPath: out, timeoutMs: 10_000, ifReplicaExists: true })).toMatchObject({ restored: false });
    } finally {
      await dir.remove();
    }
  });

  it("gives up a restore from hung storage at its time limit", async () => {
    const dir = await tmpDir();
    const release = s3.stall();
    try {
      const hung: ReplicaTarget = { type: "s3", bucket: "backups", path: "hung", endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: "x" } };
      const started = Date.now();
      await expect(restore({ replica: hung }, { outputPath: path.join(dir.path, "out.db"), timeoutMs: 700 })).rejects.toMatchObject({ timedOut: true });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      release();
      await dir.remove();
    }
  });
});
