// Issue 16, gap 2, on a real Litestream 0.5.16: LTX files moved out of a file replica (a hole) turn the
// project `error`; put back, the chain is whole again and the error ends with no snapshot taken.
// On the old agent only a snapshot past the hole ended it: 0.5 takes one every 24 h by default, so
// the error stayed for a day after the repair.
import { mkdirSync, readdirSync, renameSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { waitForStatus } from "./harness.ts";
import { useHarness } from "./use-harness.ts";
import { v5AgentProject } from "./v5-agent-project.ts";
import { writePastSnapshot } from "./writes-past-snapshot.ts";

const h = useHarness();

describe("agent on Litestream 0.5: a hole in the replica, repaired", () => {
  it("LTX files removed then put back: error, then fresh again without a snapshot", async () => {
    const { p, file, replica, agent } = await v5AgentProject(h, "v5-repair", { staleAfterSeconds: 6, heartbeatGraceSeconds: 15 });
    const caughtUp = await writePastSnapshot(h.core, p.id, file, replica);
    const high = caughtUp.databases[0].position!.offset;
    const client = openReplicaClient({ type: "file", path: replica });
    const snapshots = (await client.list()).ltx.filter((f) => f.level === 9);
    const snapshotsBefore = snapshots.map((f) => f.name);
    // Every snapshot stored ends before the mark: a snapshot could not end the error (the old code's only way).
    expect(Math.max(0, ...snapshots.map((f) => f.maxTXID))).toBeLessThan(high);

    // Move every non-snapshot file holding the newest TXIDs aside (a level-1 file may hold them too).
    const aside = path.join(h.dir.path, "v5-repair-aside");
    const moved: Array<[string, string]> = [];
    for (const level of readdirSync(path.join(replica, "ltx"))) {
      if (level === "9") continue;
      for (const name of readdirSync(path.join(replica, "ltx", level))) {
        if (Number.parseInt(name.split("-")[1] ?? "", 16) < high - 1) continue;
        mkdirSync(path.join(aside, level), { recursive: true });
        moved.push([path.join(replica, "ltx", level, name), path.join(aside, level, name)]);
        renameSync(...moved[moved.length - 1]);
      }
    }
    expect(moved.length).toBeGreaterThan(0);
    const t0 = Date.now();
    // Litestream's own compaction error may come first: wait for the rewind's reason itself.
    const error = await waitForStatus(h.core, p.id, "error", 10_000, (x) => /the replica went back/.test(x.statusReasons.join("\n")));
    const toError = (Date.now() - t0) / 1000;
    expect(error.statusReasons.join("\n")).toMatch(/the replica went back from TXID 0x[0-9a-f]+ to 0x[0-9a-f]+: LTX files were removed from storage/);

    // The operator puts the files back.
    const t1 = Date.now();
    for (const [from, to] of moved) renameSync(to, from);
    const fresh = await waitForStatus(h.core, p.id, "fresh", 30_000, (x) => x.databases[0].errors.length === 0);
    const toFresh = (Date.now() - t1) / 1000;
    expect(fresh.statusReasons.join("\n")).not.toMatch(/went back/);
    expect(fresh.databases[0].replicas[0].position!.offset).toBeGreaterThanOrEqual(high);
    // No snapshot did it: the level-9 files are the ones from before the hole.
    expect((await client.list()).ltx.filter((f) => f.level === 9).map((f) => f.name)).toEqual(snapshotsBefore);
    const incidents = (await h.core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body as Array<{ kind: string; open: boolean }>;
    expect(incidents.filter((i) => !i.kind.startsWith("drill_")).map((i) => [i.kind, i.open])).toEqual([["error", false]]);
    console.log(`[v5-rewind-repair] moved ${moved.length} file(s) aside: error after ${toError.toFixed(1)} s; put back: fresh after ${toFresh.toFixed(1)} s; snapshots unchanged (${snapshotsBefore.length})`);
  }, 120_000);
});
