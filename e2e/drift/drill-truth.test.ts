// Drills that tell the truth, with a real agent replicating to S3 (fauxqs):
// 4. the newest generation loses its snapshot while an older one is intact;
// 6. a second `litestream replicate` writes to the same replica path while the
//    app writes; the error stays after it exits and Litestream moves to a new
//    WAL index, as a restore still applies the overlapping one. Each drill is compared with a plain `litestream restore` of the
//    same replica; each alerts once naming the cause.
import { describe, expect, it } from "vitest";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { rm } from "node:fs/promises";
import path from "node:path";
import { drill, expectDrillAlert, expectDrillResolved, type Scenario } from "./world.ts";
import { backupsBucket } from "./bucket.ts";
import { useWorld } from "./use-world.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { project, waitForStatus } from "../../core/test/agent/harness.ts";
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { startLitestream } from "../../core/test/litestream/live.ts";
import { tableCounts } from "../../core/test/drills/fixtures.ts";
import { restore } from "../../core/src/litestream/commands.ts";
import { parseReplicaUrl, type ReplicaTarget } from "../../core/src/litestream/replica-url.ts";

const world = useWorld();

async function scenario(name: string) {
  // The agent is stopped while storage is changed: a long grace keeps that from being a drift of its own.
  return world.scenario(name, { heartbeatGraceSeconds: 300 }, { litestream: "0.3" });
}

const { keys, getBytes } = backupsBucket(world);

function target(s: Scenario): ReplicaTarget {
  const t = parseReplicaUrl(s.replicaUrl);
  if (t.type !== "s3") throw new Error("an S3 replica was expected");
  return { ...t, credentials: { accessKeyId: world.s3.accessKeyId, secretAccessKey: world.s3.secretAccessKey } };
}

let plainCount = 0;
/** A plain `litestream restore` of the scenario's replica (Litestream chooses the generation): counts, or its error. */
async function plainRestore(s: Scenario): Promise<{ tables: Record<string, number> } | { error: string }> {
  const output = path.join(world.dir.path, `plain-${++plainCount}.sqlite3`);
  try {
    await restore({ replica: target(s) }, { outputPath: output, timeoutMs: 60_000 });
    return { tables: tableCounts(output) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const total = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);

describe("drills agree with litestream restore", () => {
  it("4. the newest generation lost its snapshot, an older one is intact → the drill fails as litestream restore does; snapshot back → passes", async () => {
    const s = await scenario("lost-snapshot");
    await s.writer?.stop();
    s.writer = null;
    await s.stopAgent();
    const [older] = (await keys("lost-snapshot/app/generations/")).map((k) => k.split("/")[3]);
    // A new generation, as after Litestream lost its local state.
    await rm(`${path.dirname(s.dbPath)}/.app.sqlite3-litestream`, { recursive: true, force: true });
    await s.startAgent();
    const snapshotOf = async () => (await keys("lost-snapshot/app/generations/")).find((k) => !k.includes(`/${older}/`) && k.includes("/snapshots/")) ?? null;
    const snapshot = await waitFor(snapshotOf, { timeoutMs: 20_000, what: "a snapshot of the new generation" });
    const newer = snapshot.split("/")[3];
    // The agent's heartbeat names the new generation as the live one.
    await waitFor(async () => {
      const db = await world.core.store.database.findFirst({ where: { projectId: s.projectId } });
      return db?.position && JSON.parse(db.position).generation === newer ? true : null;
    }, { timeoutMs: 20_000, what: "a heartbeat on the new generation" });
    await s.stopAgent();
    const saved = await getBytes(snapshot);
    await world.s3.client().send(new DeleteObjectCommand({ Bucket: "backups", Key: snapshot }));

    const t0 = Date.now();
    const failed = await drill(world, s.projectId);
    expect(await plainRestore(s)).toEqual({ error: "litestream restore failed: cannot find snapshot index by timestamp: no snapshots available" });
    expect(failed.status).toBe("failed");
    expect(failed.report.error).toMatch(new RegExp(`^litestream restore of s3://backups/lost-snapshot/app.* would fail: generation ${newer}, the one a restore uses, has no snapshot \\(\\d+ WAL segment\\(s\\) only\\): litestream restore fails with "no snapshots available"$`));
    expect(failed.report.rpoSeconds).toBeNull();
    await expectDrillAlert(s, /^\[Borela\] DRILL FAILED: lost-snapshot \/ app/, /no snapshots available/, t0);

    await world.s3.client().send(new PutObjectCommand({ Bucket: "backups", Key: snapshot, Body: saved }));
    const passed = await drill(world, s.projectId);
    const plain = await plainRestore(s);
    expect(passed.status).toBe("passed");
    expect(passed.report.generation).toBe(newer);
    expect(plain).toEqual({ tables: passed.report.tables });
    expect(passed.report.tables).toEqual(tableCounts(s.dbPath));
    expect(passed.report.rpoSeconds).not.toBeNull();
    await expectDrillResolved(s);
  });

  it("6. two replicators on one replica → the agent reports it as an error, the drill fails naming the overlapping segments, where litestream restore silently loses rows", async () => {
    const s = await scenario("two-replicators");
    const second = await startLitestream(path.join(world.dir.path, "second-replicator"), s.dbPath, target(s));
    let detail;
    try {
      detail = await waitForStatus(world.core, s.projectId, "error", 60_000, (p) => p.statusReasons.some((r) => /overlapping WAL segments/.test(r)));
    } finally {
      await second.stop();
    }
    expect(detail.statusReasons.join("\n")).toMatch(/overlapping WAL segments at index \d+ of generation [0-9a-f]{16} \(.+\): two processes replicate to this path/);
    const overlapIndex = Number(detail.statusReasons.join("\n").match(/overlapping WAL segments at index (\d+)/)![1]);
    // The second replicator is gone and Litestream moves on to a new WAL index (6 MB of inserts make it
    // checkpoint; 1 MB at a time, as fauxqs refuses the multipart upload of one 6 MB segment): a restore
    // still applies the overlapping index, so the error stays.
    const db = new Database(s.dbPath, { timeout: 5000 });
    db.exec("CREATE TABLE IF NOT EXISTS blobs (b BLOB)");
    for (let i = 0; i < 6; i++) {
      db.prepare("INSERT INTO blobs (b) VALUES (?)").run(randomBytes(1024 * 1024));
      await new Promise((r) => setTimeout(r, 1_000));
    }
    db.close();
    let last = "";
    await waitFor(async () => {
      const d = (await project(world.core, s.projectId)).databases[0];
      last = JSON.stringify({ database: d.position, replica: d.replicas[0]?.position, reasons: d.statusReasons });
      return (d.replicas[0]?.position?.index ?? -1) > overlapIndex ? true : null;
    }, { timeoutMs: 60_000, what: "the replica to move past the overlapping index" }).catch((err) => {
      throw new Error(`${(err as Error).message}: ${last}`);
    });
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      const later = await project(world.core, s.projectId);
      expect(later.status).toBe("error");
      expect(later.statusReasons.join("\n")).toMatch(new RegExp(`overlapping WAL segments at index ${overlapIndex} of generation`));
    }
    const open = ((await world.core.api("GET", `/api/v1/projects/${s.projectId}/incidents`)).body as Array<{ open: boolean }>).filter((i) => i.open);
    expect(open).toHaveLength(1);
    await s.writer?.stop();
    s.writer = null;
    await s.stopAgent();
    const live = tableCounts(s.dbPath);
    const failed = await drill(world, s.projectId);
    const plain = await plainRestore(s);
    expect(failed.status).toBe("failed");
    // (The second process's segments may also leave a hole, named after the overlap.)
    expect(failed.report.error).toMatch(/^backup is damaged: overlapping WAL segments at index \d+ of generation [0-9a-f]{16} \(.+\): two processes replicate to this path(; .+)?$/);
    // Damaged either way: rows missing, or SQLite refuses the concatenated WAL.
    if ("tables" in plain) expect(total(plain.tables)).toBeLessThan(total(live));
    else expect(plain.error).toMatch(/litestream restore failed: .*malformed/);
  }, 240_000);
});
