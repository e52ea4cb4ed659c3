// The replica TXID high mark (store/replica-high-mark.ts) across a new history, with a replica written by the
// real `litestream-0.5` and heartbeats as a 0.5 agent sends them: the database replaced (restored), its TXID
// going back below the mark, is not newest LTX files lost — the drill passes with litestream restore's
// counts; in the new history, newest files removed are caught again even after further heartbeats
// reported the lowered TXID.
import { describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import path from "node:path";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { restore05, startLitestream05 } from "../litestream/live-v5.ts";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { postV5Heartbeat } from "./v5-heartbeat.ts";
import { addRows, runDrillNow, seededDatabase, tableCounts } from "./fixtures.ts";

const core = useTestCore();
const tmp = useTmpDir("borela-v5-history-");

const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;
const heartbeat = (token: string, file: string, replicaDir: string, databaseTxid: number, replicaTxid: number) =>
  postV5Heartbeat(core, token, file, replicaDir, databaseTxid, replicaTxid);

async function plainRestore(name: string, replicaDir: string): Promise<Record<string, number>> {
  const output = path.join(tmp.path, `${name}.sqlite3`);
  expect(await restore05(path.join(tmp.path, name), { type: "file", path: replicaDir }, output)).toBeNull();
  return tableCounts(output);
}

describe("0.5 drills: the replica TXID high mark and a new history", () => {
  it("a database whose TXID went back below the mark passes; newest files lost in the new history still fail", async () => {
    const dir = path.join(tmp.path, "new-history");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    const target = { type: "file" as const, path: replicaDir };
    const live = await startLitestream05(path.join(dir, "ls05"), file, target, { l1: "1h" }); // one level-0 file per sync
    try {
      await live.caughtUp();
      await live.snapshotted();
      for (let i = 0; i < 3; i++) {
        addRows(file, 1, 3);
        await live.caughtUp();
      }
    } finally {
      await live.stop();
    }
    const { ltx } = await openReplicaClient(target).list();
    const newest = Math.max(...ltx.map((f) => f.maxTXID));
    const project = await core.createProject("v5-new-history");
    // The old history reached far higher; then the database was replaced and its new history is at `newest`.
    await heartbeat(project.agentToken, file, replicaDir, newest + 0x20, newest + 0x20);
    await heartbeat(project.agentToken, file, replicaDir, newest, newest);
    const fresh = await runDrillNow(core, project.id);
    expect(fresh.report.error ?? null).toBeNull();
    expect(fresh.status).toBe("passed");
    expect(fresh.report.txid).toBe(newest);
    expect(await plainRestore("plain-whole", replicaDir)).toEqual(fresh.report.tables);
    expect(fresh.report.tables).toEqual(tableCounts(file));

    // In the new history the newest level-0 files are removed; three heartbeats report the lowered TXID.
    const lost = ltx.filter((f) => f.level === 0 && f.minTXID >= newest - 1);
    expect(lost.map((f) => f.maxTXID).sort()).toEqual([newest - 1, newest]);
    for (const f of lost) rmSync(f.key);
    for (let i = 0; i < 3; i++) await heartbeat(project.agentToken, file, replicaDir, newest, newest - 2);
    const drill = await runDrillNow(core, project.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(
      new RegExp(`^storage holds up to TXID ${hex(newest - 2)} but the agent saw the replica reach TXID ${hex(newest)} at \\S+Z: the newest LTX files are missing \\(TXIDs ${hex(newest - 1)}–${hex(newest)}\\)`),
    );
    const short = await plainRestore("plain-short", replicaDir);
    expect(short.orders).toBeLessThan(fresh.report.tables.orders);
  }, 90_000);
});
