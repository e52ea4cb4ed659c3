// The agent on a real Litestream 0.5.16 (a fresh tester's findings 1 and 2):
// 1. A replica made unwritable while the app writes turns `error`; made writable again, Litestream 0.5
//    resumes by itself and the error clears (0.5's "ltx file uploaded" / "replica sync recovered" lines, or
//    the replica's stored TXID advancing): one error incident, resolved, and no Litestream restart.
//    On the old agent only 0.3's success lines cleared it: `error` stayed for 7+ minutes, until a restart.
//    The replica's level-0 directory refuses writes by `chattr +i` where the file system allows it (root too),
//    else by chmod 0500 (not as root: root writes through it).
// 3. The agent restarts Litestream while the replica refuses writes: 0.5's "shutdown sync failed, retrying
//    (press Ctrl+C again to skip)" lines become a note in the dashboard's words, never an error reason.
// 2. LTX files removed from storage: the replica's TXID goes back while the database's does not: `error` at
//    once, naming both TXIDs. On the old agent: pending, then `stale` after the threshold, cause unknown.
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { sleep, waitFor } from "../support/wait-for.ts";
import { project, waitForStatus } from "./harness.ts";
import { useHarness } from "./use-harness.ts";
import { useHeldWrites } from "./held-writes.ts";
import { v5AgentProject } from "./v5-agent-project.ts";
import { refuseWrites } from "./refuse-writes.ts";
import { writePastSnapshot } from "./writes-past-snapshot.ts";

const h = useHarness();
const { writers, unblock } = useHeldWrites();

type Incident = { kind: string; open: boolean; reason?: string };
const incidents = async (id: string) => (await h.core.api("GET", `/api/v1/projects/${id}/incidents`)).body as Incident[];

async function startV5(name: string, staleAfterSeconds: number) {
  return v5AgentProject(h, name, { staleAfterSeconds, heartbeatGraceSeconds: 15 });
}

describe("agent on Litestream 0.5: errors that clear, a replica that goes back", () => {
  it("replica unwritable, then writable: error, then fresh by itself; one incident, resolved; no restart", async () => {
    const { p, file, replica, agent } = await startV5("v5-recover", 60);
    const writer = await startSqliteWriter({ path: file, ratePerSecond: 5, durationMs: 120_000 });
    writers.push(writer);
    await waitForStatus(h.core, p.id, "fresh", 30_000, (x) => (x.databases[0]?.replicas[0]?.position?.offset ?? 0) > 1);

    const level0 = path.join(replica, "ltx", "0");
    const t0 = Date.now();
    const blocked = refuseWrites(level0);
    unblock.push(blocked.undo);
    const error = await waitForStatus(h.core, p.id, "error", 20_000);
    const toError = (Date.now() - t0) / 1000;
    const reason = error.statusReasons.join("\n");
    expect(reason).toMatch(/LTX file upload failed: permission denied \(write ltx file: open .*\.ltx\.tmp: (operation not permitted|permission denied)\)/);
    expect(reason).not.toMatch(/WAL segment/);
    await sleep(5000);
    expect((await project(h.core, p.id)).status).toBe("error");

    const t1 = Date.now();
    blocked.undo();
    unblock.pop();
    // Litestream 0.5 retries by itself (backoff up to 32 s): the replica catches up, the error clears.
    const fresh = await waitForStatus(h.core, p.id, "fresh", 60_000, (x) => x.databases[0].replicas[0].lastError === null && x.databases[0].replicas[0].pendingSince === null);
    const toFresh = (Date.now() - t1) / 1000;
    expect(fresh.databases[0].replicas[0].position!.offset).toBeGreaterThanOrEqual(fresh.databases[0].position!.offset);
    // Writes go on: it stays fresh, and heartbeats carry no lastError.
    await sleep(4000);
    const later = await project(h.core, p.id);
    expect(later.status).toBe("fresh");
    expect(agent.agent.lastPayload()!.databases[0].replicas[0].lastError).toBeNull();
    expect(agent.agent.supervisor!.status().restarts).toBe(0);
    const list = await incidents(p.id);
    expect(list.map((i) => [i.kind, i.open])).toEqual([["error", false]]);
    console.log(`[v5-recovery] ${blocked.how} on ltx/0: error after ${toError.toFixed(1)} s; writable again: fresh after ${toFresh.toFixed(1)} s; Litestream restarts: 0`);
    await writer.stop();
  }, 150_000);

  it("the agent restarts Litestream while the replica refuses writes: the failed final sync is a note, worded without Ctrl+C", async () => {
    const { p, file, replica, agent } = await startV5("v5-shutdown", 60);
    await waitForStatus(h.core, p.id, "fresh", 30_000, (x) => (x.databases[0]?.replicas[0]?.position?.offset ?? 0) > 0);
    const blocked = refuseWrites(path.join(replica, "ltx", "0"));
    unblock.push(blocked.undo);
    await (await startSqliteWriter({ path: file, ratePerSecond: 5, durationMs: 1500 })).exited;
    await waitForStatus(h.core, p.id, "error", 20_000);
    await agent.agent.supervisor!.restart("test: restart while the replica refuses writes");
    expect(agent.logs.join("\n")).toMatch(/shutdown sync failed, retrying/); // Litestream did print it
    const withNote = await waitFor(
      () => {
        const db = agent.agent.lastPayload()?.databases[0];
        return db?.notes?.some((n) => n.startsWith("Litestream's final sync before its restart failed, retrying: write ltx file: open ")) ? db : null;
      },
      { timeoutMs: 10_000, what: "the final-sync note" },
    );
    const detail = await project(h.core, p.id);
    for (const text of [...withNote.errors, ...detail.statusReasons, ...withNote.notes!]) expect(text).not.toMatch(/Ctrl\+C|shutdown sync/);
    expect(detail.statusReasons.join("\n")).not.toMatch(/final sync/);
    blocked.undo();
    unblock.pop();
    await waitForStatus(h.core, p.id, "fresh", 60_000, (x) => x.databases[0].replicas[0].lastError === null);
  }, 120_000);

  it("LTX files removed from storage: the replica went back in TXID while the database did not: error at once", async () => {
    const { p, file, replica } = await startV5("v5-rewind", 6);
    const caughtUp = await writePastSnapshot(h.core, p.id, file, replica);
    const high = caughtUp.databases[0].position!.offset;

    // Remove every non-snapshot file holding the newest TXIDs (a level-1 file may hold them too).
    const client = openReplicaClient({ type: "file", path: replica });
    const removed: string[] = [];
    for (const level of readdirSync(path.join(replica, "ltx"))) {
      if (level === "9") continue;
      for (const name of readdirSync(path.join(replica, "ltx", level))) {
        const max = Number.parseInt(name.split("-")[1] ?? "", 16);
        if (max >= high - 1) {
          rmSync(path.join(replica, "ltx", level, name));
          removed.push(`${level}/${name}`);
        }
      }
    }
    expect(removed.length).toBeGreaterThan(0);
    const left = Math.max(0, ...(await client.list()).ltx.map((f) => f.maxTXID));
    expect(left).toBeLessThan(high);

    const t0 = Date.now();
    // The next heartbeat reads storage: within 10 s, as the other rewind tests wait (for the rewind's own reason:
    // Litestream's compaction error may come first).
    const error = await waitForStatus(h.core, p.id, "error", 10_000, (x) => /the replica went back/.test(x.statusReasons.join("\n")));
    const seconds = (Date.now() - t0) / 1000;
    const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;
    expect(error.statusReasons.join("\n")).toContain(`the replica went back from TXID ${hex(high)} to ${hex(left)}: LTX files were removed from storage`);
    expect(error.databases[0].position!.offset).toBeGreaterThanOrEqual(high); // the database did not go back (Litestream may add a TXID of its own meanwhile)
    // New writes carry Litestream past the old TXID, but the hole stays: still an error, never "replication in progress".
    await (await startSqliteWriter({ path: file, ratePerSecond: 5, durationMs: 2000 })).exited;
    await waitFor(async () => ((await project(h.core, p.id)).databases[0].replicas[0].position!.offset > high ? true : null), { timeoutMs: 15_000, what: "the replica past the old TXID" });
    const after = await project(h.core, p.id);
    expect(after.status).toBe("error");
    expect(after.statusReasons.join("\n")).toContain(`went back from TXID ${hex(high)} to ${hex(left)}`);
    // One freshness incident; the project's automatic first drill may also run on the hole and fail (rightly: drill_failed).
    expect((await incidents(p.id)).map((i) => i.kind).filter((k) => !k.startsWith("drill_"))).toEqual(["error"]);
    console.log(`[v5-recovery] removed ${removed.join(", ")}: error after ${seconds.toFixed(1)} s (TXID ${high} → ${left})`);
  }, 90_000);
});
