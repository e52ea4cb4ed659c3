// A drill of a Litestream 0.5 replica against the replica TXID the agent last
// reported, with the real `litestream-0.5` (replicate and a plain restore):
// - the newest LTX files lost after the agent saw them stored: a plain
//   `litestream restore` silently restores less; the drill fails naming the
//   TXID storage holds and the one the agent saw (0.3's "not the live
//   generation" rule, in TXIDs);
// - a point-in-time drill before the lost files still passes (it restores less
//   by design), and so does a replica whose level-0 files were compacted into
//   level 1 and removed (compaction keeps the max TXID);
// - a restore that reaches the database's TXID has an RPO of 0.
import { describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import path from "node:path";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { restore05, startLitestream05 } from "../litestream/live-v5.ts";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { LTX_NEWEST_MISSING_NOTE } from "../../src/snippets/restore-refusal.ts";
import { writeAroundPointInTime } from "./point-in-time.ts";
import { postV5Heartbeat } from "./v5-heartbeat.ts";
import { addRows, runDrillNow, seededDatabase, tableCounts } from "./fixtures.ts";

const core = useTestCore();
const tmp = useTmpDir("borela-v5-txid-");

const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;
const heartbeat = (token: string, file: string, replicaDir: string, databaseTxid: number, replicaTxid: number, changedAt: Date) =>
  postV5Heartbeat(core, token, file, replicaDir, databaseTxid, replicaTxid, changedAt);

let plainCount = 0;
async function plainRestore(replicaDir: string, timestamp?: Date): Promise<{ tables: Record<string, number> } | { error: string }> {
  const n = ++plainCount;
  const output = path.join(tmp.path, `plain-${n}.sqlite3`);
  const error = await restore05(path.join(tmp.path, `plain-${n}`), { type: "file", path: replicaDir }, output, timestamp);
  return error ? { error } : { tables: tableCounts(output) };
}

describe("0.5 drills against the replica TXID the agent saw", () => {
  it("fails when the newest LTX files are gone (litestream restore silently restores less); RPO 0 before; point in time still passes", async () => {
    const dir = path.join(tmp.path, "newest-lost");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    const target = { type: "file" as const, path: replicaDir };
    const live = await startLitestream05(path.join(dir, "ls05"), file, target, { l1: "1h" }); // no compaction: one level-0 file per sync
    const { at, countsAt } = await writeAroundPointInTime(
      live,
      file,
      () => addRows(file, 2, 5),
      async () => {
        for (let i = 0; i < 2; i++) {
          addRows(file, 1, 3);
          await live.caughtUp();
        }
      },
    );
    const { ltx } = await openReplicaClient(target).list();
    const newest = Math.max(...ltx.map((f) => f.maxTXID));
    const project = await core.createProject("v5-newest-lost");
    // The agent saw the last change after the restore point; the restore reaches the database's TXID all the same.
    await heartbeat(project.agentToken, file, replicaDir, newest, newest, new Date());

    const whole = await runDrillNow(core, project.id);
    expect(whole.report.error ?? null).toBeNull();
    expect(whole.status).toBe("passed");
    expect(whole.report.txid).toBe(newest);
    expect(whole.report.rpoSeconds).toBe(0);
    expect(await plainRestore(replicaDir)).toEqual({ tables: whole.report.tables });
    expect(whole.report.tables).toEqual(tableCounts(file));

    const lost = ltx.filter((f) => f.level === 0 && f.minTXID >= newest - 1);
    expect(lost.map((f) => f.maxTXID).sort()).toEqual([newest - 1, newest]);
    for (const f of lost) rmSync(f.key);
    const drill = await runDrillNow(core, project.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(
      new RegExp(`^storage holds up to TXID ${hex(newest - 2)} but the agent saw the replica reach TXID ${hex(newest)} at \\S+Z: the newest LTX files are missing \\(TXIDs ${hex(newest - 1)}–${hex(newest)}\\)`),
    );
    expect(drill.report.txid).toBe(newest - 2);
    // The restore offered then carries no --force: borela restore does not refuse what is left.
    const offered = (await core.api("GET", `/api/v1/projects/${project.id}`)).body.databases[0].restoreCommands.borela as string;
    expect(offered.split("  #")[0]).not.toContain("--force");
    expect(offered).toContain(LTX_NEWEST_MISSING_NOTE);
    // Litestream restores without a word, and brings back fewer rows than the replica held.
    const plain = await plainRestore(replicaDir);
    expect("tables" in plain).toBe(true);
    if ("tables" in plain) expect(plain.tables.orders).toBeLessThan(whole.report.tables.orders);

    // A point in time before the lost files legitimately restores less: it passes, with litestream restore -timestamp's counts.
    const pit = await runDrillNow(core, project.id, { timestamp: at.toISOString() });
    expect(pit.report.error ?? null).toBeNull();
    expect(pit.status).toBe("passed");
    expect(pit.report.tables).toEqual(countsAt);
    expect(await plainRestore(replicaDir, at)).toEqual({ tables: pit.report.tables });
  }, 90_000);

  it("passes when level-0 files were compacted into level 1 and removed: compaction keeps the max TXID", async () => {
    const dir = path.join(tmp.path, "compacted");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    const target = { type: "file" as const, path: replicaDir };
    const client = openReplicaClient(target);
    const live = await startLitestream05(path.join(dir, "ls05"), file, target, { l1: "1s" });
    let newest = 0;
    try {
      await live.caughtUp();
      await live.snapshotted();
      for (let i = 0; i < 3; i++) {
        addRows(file, 1, 4);
        newest = await live.caughtUp();
      }
      await waitFor(async () => ((await client.list()).ltx.some((f) => f.level === 1 && f.maxTXID >= newest) ? true : null), { timeoutMs: 15_000, what: `a level-1 file up to TXID ${newest}` });
    } finally {
      await live.stop();
    }
    const { ltx } = await client.list();
    const l1 = Math.max(...ltx.filter((f) => f.level === 1).map((f) => f.maxTXID));
    expect(l1).toBe(Math.max(...ltx.map((f) => f.maxTXID)));
    const removed = ltx.filter((f) => f.level === 0 && f.maxTXID <= l1 && f.minTXID > 1);
    expect(removed.length).toBeGreaterThan(0);
    for (const f of removed) rmSync(f.key); // what retention does once level 1 holds them
    const project = await core.createProject("v5-compacted");
    await heartbeat(project.agentToken, file, replicaDir, l1, l1, new Date());
    const drill = await runDrillNow(core, project.id);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.txid).toBe(l1);
    expect(drill.report.rpoSeconds).toBe(0);
    expect(await plainRestore(replicaDir)).toEqual({ tables: drill.report.tables });
    expect(drill.report.tables).toEqual(tableCounts(file));
  }, 90_000);
});
