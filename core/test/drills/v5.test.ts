// Drills of Litestream 0.5 (LTX) replicas written by a real `litestream
// replicate` 0.5.16, to a file replica and to S3 (fauxqs): the drill restores
// with the 0.5 binary exactly what a plain `litestream restore` 0.5 of the same
// replica restores; a flipped byte in an LTX file, or a missing one, fails the
// drill naming the file before anything is restored; an upgraded app's replica
// (0.3 generations, then 0.5 LTX files in the same place) is drilled on what a
// 0.5 restore uses, and the report says so.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { useTestCore } from "../support/use-core.ts";
import { useS3 } from "../support/use-s3.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { sleep } from "../support/wait-for.ts";
import { restore05, startLitestream05 } from "../litestream/live-v5.ts";
import type { ReplicaTarget } from "../../src/litestream/replica-url.ts";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { writeAroundPointInTime } from "./point-in-time.ts";
import { addRows, replicate, replicate05, reportDatabase, runDrillNow, seededDatabase, tableCounts } from "./fixtures.ts";

const core = useTestCore();
const s3 = useS3("ltx-v5");
const tmp = useTmpDir("borela-v5-drill-");

let plainCount = 0;
/** A plain `litestream restore` (0.5) of the replica: the counts it restores, or its error. */
async function plainRestore(replica: ReplicaTarget, timestamp?: Date): Promise<{ tables: Record<string, number> } | { error: string }> {
  const n = ++plainCount;
  const output = path.join(tmp.path, `plain-${n}.sqlite3`);
  const error = await restore05(path.join(tmp.path, `plain-${n}`), replica, output, timestamp);
  return error ? { error } : { tables: tableCounts(output) };
}

async function fileSetup(name: string, batches = 3) {
  const dir = path.join(tmp.path, name);
  const file = seededDatabase(dir);
  const replicaDir = path.join(dir, "replica");
  const target = { type: "file" as const, path: replicaDir };
  await replicate05(dir, file, target, batches);
  const project = await core.createProject(name);
  await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`, undefined, { position: null });
  return { dir, file, replicaDir, target, project };
}

describe("drills of Litestream 0.5 replicas", () => {
  it("file replica: passes with litestream restore's counts, restored by 0.5, layout ltx", async () => {
    const { file, target, project } = await fileSetup("file-ok");
    const drill = await runDrillNow(core, project.id);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.layout).toBe("ltx");
    expect(drill.report.litestreamVersion).toBe("v0.5.16");
    expect(drill.report.generation).toBeNull();
    expect(drill.report.txid).toBeGreaterThan(0);
    const plain = await plainRestore(target);
    expect(plain).toEqual({ tables: drill.report.tables });
    expect(drill.report.tables).toEqual(tableCounts(file));
    expect(drill.report.tables.orders).toBe(40 + 7 + 8 + 9);
  });

  it("S3 replica (fauxqs) with stored credentials: passes with litestream restore's counts", async () => {
    const dir = path.join(tmp.path, "s3-ok");
    const file = seededDatabase(dir);
    const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    const target: ReplicaTarget = { type: "s3", bucket: "ltx-v5", path: "shop/app", endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials };
    await replicate05(dir, file, target, 2);
    const keys = (await openReplicaClient(target).list()).ltx.map((f) => f.key);
    expect(keys.some((k) => /^shop\/app\/0000\/[0-9a-f]{16}-[0-9a-f]{16}\.ltx$/.test(k))).toBe(true); // S3: <path>/<%04x level>/
    const project = await core.createProject("v5-s3");
    const put = await core.api("PUT", `/api/v1/projects/${project.id}/storage-credentials`, { body: { ...credentials, bucket: "ltx-v5", endpoint: s3.endpoint } });
    expect(put.status).toBe(204);
    await reportDatabase(core, project.agentToken, file, `s3://ltx-v5/shop/app?endpoint=${encodeURIComponent(s3.endpoint)}&region=us-east-1`, undefined, { position: null });
    const drill = await runDrillNow(core, project.id);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.layout).toBe("ltx");
    expect(drill.report.litestreamVersion).toBe("v0.5.16");
    expect(await plainRestore(target)).toEqual({ tables: drill.report.tables });
    expect(drill.report.tables).toEqual(tableCounts(file));
  });

  it("S3 point in time: planned on LTX header timestamps, restores litestream restore -timestamp's counts", async () => {
    const dir = path.join(tmp.path, "s3-pit");
    const file = seededDatabase(dir);
    const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    const target: ReplicaTarget = { type: "s3", bucket: "ltx-v5", path: "pit/app", endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials };
    const live = await startLitestream05(path.join(dir, "ls05"), file, target);
    const { at, countsAt } = await writeAroundPointInTime(
      live,
      file,
      () => addRows(file, 4, 9),
      async () => {
        addRows(file, 5, 11);
        await live.caughtUp();
      },
    );
    const project = await core.createProject("v5-s3-pit");
    await core.api("PUT", `/api/v1/projects/${project.id}/storage-credentials`, { body: { ...credentials, bucket: "ltx-v5", endpoint: s3.endpoint } });
    await reportDatabase(core, project.agentToken, file, `s3://ltx-v5/pit/app?endpoint=${encodeURIComponent(s3.endpoint)}&region=us-east-1`, undefined, { position: null });
    const drill = await runDrillNow(core, project.id, { timestamp: at.toISOString() });
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(countsAt);
    expect(drill.report.tables).not.toEqual(tableCounts(file));
    expect(Date.parse(drill.report.restorePoint)).toBeLessThan(at.getTime());
    expect(await plainRestore(target, at)).toEqual({ tables: drill.report.tables });
  });

  it("a flipped byte in an LTX file of the chain fails the drill naming the file", async () => {
    const { target, project } = await fileSetup("flipped");
    const { ltx } = await openReplicaClient(target).list();
    const snapshot = ltx.find((f) => f.level === 9)!;
    const bytes = readFileSync(snapshot.key);
    bytes[bytes.length - 40] ^= 0x10; // inside the page index, near the end: only the checksum notices
    writeFileSync(snapshot.key, bytes);
    const drill = await runDrillNow(core, project.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toContain(snapshot.name);
    expect(drill.report.error).toMatch(/backup is damaged: LTX file level 9 .* file checksum mismatch/);
    expect(drill.report.tables).toEqual({});
    // Litestream 0.5 refuses it too, but only after fetching and decoding the whole plan, and without naming the file.
    const plain = await plainRestore(target);
    expect(plain).toMatchObject({ error: expect.stringMatching(/decode database: .*close reader 0: file checksum mismatch/) });
  });

  it("a missing LTX file in the chain fails the drill naming the gap, where litestream restore fails too", async () => {
    const { replicaDir, target, project } = await fileSetup("missing", 4);
    const { ltx } = await openReplicaClient(target).list();
    const snapshotMax = Math.max(...ltx.filter((f) => f.level === 9).map((f) => f.maxTXID));
    const newest = Math.max(...ltx.map((f) => f.maxTXID));
    const gone = ltx.find((f) => f.level === 0 && f.minTXID > snapshotMax && f.maxTXID < newest)!;
    expect(gone).toBeDefined();
    for (const f of ltx.filter((x) => x.level > 0 && x.level < 9 && x.minTXID <= gone.minTXID && x.maxTXID >= gone.maxTXID)) rmSync(f.key);
    rmSync(path.join(replicaDir, "ltx", "0", gone.name));
    const drill = await runDrillNow(core, project.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toContain(`TXIDs ${gone.minTXID.toString(16).padStart(16, "0")}`);
    expect(drill.report.error).toMatch(/are missing: the chain ends at level \d [0-9a-f-]+\.ltx and the next file is level \d [0-9a-f-]+\.ltx/);
    const plain = await plainRestore(target);
    expect(plain).toMatchObject({ error: expect.stringMatching(/non-contiguous ltx files/) });
  });

  it("point in time with a missing file before it: the drill fails naming the gap, where litestream restore -timestamp silently restores less", async () => {
    const dir = path.join(tmp.path, "pit-gap");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    const target = { type: "file" as const, path: replicaDir };
    const live = await startLitestream05(path.join(dir, "ls05"), file, target, { l1: "1h" }); // no compaction: each batch stays its own file
    let at: Date;
    let countsAt: Record<string, number>;
    try {
      await live.caughtUp();
      await live.snapshotted();
      for (let i = 0; i < 3; i++) {
        addRows(file, 2, 5);
        await live.caughtUp();
      }
      await sleep(1100);
      at = new Date();
      countsAt = tableCounts(file);
      await sleep(1100);
      addRows(file, 2, 5);
      await live.caughtUp();
    } finally {
      await live.stop();
    }
    const { ltx } = await openReplicaClient(target).list();
    const snapshotMax = Math.max(...ltx.filter((f) => f.level === 9).map((f) => f.maxTXID));
    const before = ltx.filter((f) => f.level === 0 && f.minTXID > snapshotMax && f.createdAt < at).sort((a, b) => a.minTXID - b.minTXID);
    expect(before.length).toBeGreaterThanOrEqual(2);
    rmSync(before[0].key);
    const project = await core.createProject("v5-pit-gap");
    await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`, undefined, { position: null });
    const drill = await runDrillNow(core, project.id, { timestamp: at.toISOString() });
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toContain(`TXIDs ${before[0].minTXID.toString(16).padStart(16, "0")}`);
    expect(drill.report.error).toMatch(/litestream restore -timestamp would silently restore the state at TXID [0-9a-f]{16} instead/);
    // Litestream itself restores without a word, and brings back fewer rows than the database held at that time.
    const plain = await plainRestore(target, at);
    expect("tables" in plain).toBe(true);
    if ("tables" in plain) expect(plain.tables.orders).toBeLessThan(countsAt.orders);
  });

  it("mixed history (0.3 generations, then 0.5 LTX files in the same place): drilled on what a 0.5 restore uses", async () => {
    const dir = path.join(tmp.path, "mixed");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    const target = { type: "file" as const, path: replicaDir };
    await replicate(dir, file, target, [(f) => addRows(f, 2, 2)]); // Litestream 0.3.13
    expect(readdirSync(path.join(replicaDir, "generations")).length).toBe(1);
    await replicate05(dir, file, target, 2); // the upgrade: 0.5 writes LTX files beside the generations
    const project = await core.createProject("v5-mixed");
    await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`, undefined, { position: null });
    const drill = await runDrillNow(core, project.id);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.layout).toBe("ltx");
    expect(drill.report.litestreamVersion).toBe("v0.5.16");
    expect(drill.report.warnings.join(" ")).toMatch(/holds both 0\.3 generations and 0\.5 LTX files: a 0\.5 restore uses the LTX files/);
    const plain = await plainRestore(target);
    expect(plain).toEqual({ tables: drill.report.tables });
    expect(drill.report.tables).toEqual(tableCounts(file));
  });

  it("mixed history where the 0.3 files are newer (a rollback to 0.3): 0.5 restores the generations, and the drill follows", async () => {
    const dir = path.join(tmp.path, "mixed-rollback");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    const target = { type: "file" as const, path: replicaDir };
    await replicate05(dir, file, target, 1);
    await sleep(1100);
    await replicate(dir, file, target, [(f) => addRows(f, 2, 2)]); // Litestream 0.3.13, newest
    const project = await core.createProject("v5-mixed-rollback");
    await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`, undefined, { position: null });
    const drill = await runDrillNow(core, project.id);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.layout).toBe("generations");
    expect(drill.report.litestreamVersion).toBe("v0.5.16");
    expect(drill.report.warnings.join(" ")).toMatch(/a 0\.5 restore uses the generations because its newest 0\.3 file/);
    const plain = await plainRestore(target);
    expect(plain).toEqual({ tables: drill.report.tables });
    expect(drill.report.tables).toEqual(tableCounts(file));
  });
});
