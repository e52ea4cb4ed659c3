// A drill of a real Litestream 0.5.16 agent's file replica whose newest LTX files were removed, run after
// several heartbeats reported the lowered TXID (a weekly drill practically always runs that late). The
// agent re-reads storage on each heartbeat, so its latest report already shows the lowered TXID; the old
// drill compared the restore with that report only, and passed with fewer rows than live. The core now
// keeps the highest replica TXID of the database's current history: the drill fails naming the missing
// TXIDs. Files put back, the drill passes with the counts of a plain `litestream restore`.
import { mkdirSync, readdirSync, renameSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { restore05 } from "../litestream/live-v5.ts";
import { runDrillNow, tableCounts } from "../drills/fixtures.ts";
import { waitFor } from "../support/wait-for.ts";
import { project, waitForStatus } from "./harness.ts";
import { useHarness } from "./use-harness.ts";
import { v5AgentProject } from "./v5-agent-project.ts";
import { writePastSnapshot } from "./writes-past-snapshot.ts";

const h = useHarness();

const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;

async function plainRestoreCounts(name: string, replica: string): Promise<Record<string, number>> {
  const output = path.join(h.dir.path, `${name}.sqlite3`);
  const error = await restore05(path.join(h.dir.path, name), { type: "file", path: replica }, output);
  expect(error).toBeNull();
  return tableCounts(output);
}

describe("agent on Litestream 0.5: a drill long after the newest LTX files were removed", () => {
  it("fails naming the missing TXIDs after two more heartbeats reported the lowered TXID; passes once they are back", async () => {
    const { p, file, replica, agent } = await v5AgentProject(h, "v5-drill-rewind", { staleAfterSeconds: 6, heartbeatGraceSeconds: 15 });
    const caughtUp = await writePastSnapshot(h.core, p.id, file, replica);
    const high = caughtUp.databases[0].position!.offset;
    const live = tableCounts(file);

    // Move every level-0..8 file whose max TXID is ≥ high - 1 aside (file names: <minTXID>-<maxTXID>.ltx, hex).
    const aside = path.join(h.dir.path, "v5-drill-rewind-aside");
    const moved: Array<[string, string]> = [];
    let movedMax = 0;
    for (const level of readdirSync(path.join(replica, "ltx"))) {
      if (level === "9") continue;
      for (const name of readdirSync(path.join(replica, "ltx", level))) {
        const max = Number.parseInt(name.split("-")[1] ?? "", 16);
        if (max < high - 1) continue;
        movedMax = Math.max(movedMax, max);
        mkdirSync(path.join(aside, level), { recursive: true });
        moved.push([path.join(replica, "ltx", level, name), path.join(aside, level, name)]);
        renameSync(...moved[moved.length - 1]);
      }
    }
    expect(moved.length).toBeGreaterThan(0);
    expect(movedMax).toBe(high);
    const left = Math.max(...(await openReplicaClient({ type: "file", path: replica }).list()).ltx.map((f) => f.maxTXID));
    expect(left).toBeLessThan(high);

    // Litestream's own compaction error may come first: wait for the rewind's reason itself.
    const error = await waitForStatus(h.core, p.id, "error", 10_000, (x) => /the replica went back/.test(x.statusReasons.join("\n")));
    expect(error.statusReasons.join("\n")).toMatch(/the replica went back from TXID 0x[0-9a-f]+ to 0x[0-9a-f]+: LTX files were removed from storage/);
    // Two more heartbeats after the one that turned `error`, each reporting the lowered TXID.
    const lowered = new Set<string>();
    await waitFor(
      async () => {
        const now = await project(h.core, p.id);
        const reported = now.databases[0].replicas[0].position?.offset ?? null;
        expect(reported).not.toBeNull();
        expect(reported!).toBeLessThan(high);
        if (now.lastHeartbeatAt && now.lastHeartbeatAt > error.lastHeartbeatAt!) lowered.add(now.lastHeartbeatAt);
        return lowered.size >= 2 ? true : null;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: "two more heartbeats reporting the lowered TXID" },
    );

    const t0 = Date.now();
    const failed = await runDrillNow(h.core, p.id);
    const failedSeconds = (Date.now() - t0) / 1000;
    expect(failed.status).toBe("failed");
    expect(failed.report.error).toMatch(
      new RegExp(`^storage holds up to TXID ${hex(left)} but the agent saw the replica reach TXID ${hex(high)} at \\S+Z: the newest LTX files are missing \\(TXIDs? ${hex(left + 1)}(–${hex(high)})?\\)`),
    );
    // What the drill warns about: a plain restore brings back fewer rows than live, without a word.
    const short = await plainRestoreCounts("plain-short", replica);
    const rows = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);
    expect(rows(short)).toBeLessThan(rows(live));

    // The operator puts the files back: the error ends and a drill passes with the plain restore's counts.
    for (const [from, to] of moved) renameSync(to, from);
    await waitForStatus(h.core, p.id, "fresh", 30_000, (x) => x.databases[0].errors.length === 0 && (x.databases[0].replicas[0].position?.offset ?? 0) >= high);
    const t1 = Date.now();
    const passed = await runDrillNow(h.core, p.id);
    const passedSeconds = (Date.now() - t1) / 1000;
    expect(passed.report.error ?? null).toBeNull();
    expect(passed.status).toBe("passed");
    expect(passed.report.txid).toBeGreaterThanOrEqual(high);
    const plain = await plainRestoreCounts("plain-whole", replica);
    expect(passed.report.tables).toEqual(plain);
    expect(plain).toEqual(tableCounts(file));
    console.log(`[v5-drill-after-rewind] moved ${moved.length} file(s) up to TXID ${hex(high)} aside, ${hex(left)} left; drill after ${lowered.size} lowered heartbeats failed in ${failedSeconds.toFixed(1)} s; files back: passed in ${passedSeconds.toFixed(1)} s`);
  }, 120_000);
});
