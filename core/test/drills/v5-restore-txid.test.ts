// A latest drill of a Litestream 0.5 replica restores exactly the TXID its plan
// verified (`litestream restore -txid <plan end>`): LTX files written after the
// plan are not restored unchecked. Checked with the isolated job itself against
// a real replica whose newest files come after the TXID given, and compared
// with a plain `litestream-0.5 restore -txid` of the same replica.
import { describe, expect, it } from "vitest";
import path from "node:path";
import { useTmpDir } from "../support/use-tmp.ts";
import { run05, startLitestream05, litestream05 } from "../litestream/live-v5.ts";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { runIsolatedJob } from "../../src/drills/isolation/job.ts";
import { addRows, seededDatabase, tableCounts } from "./fixtures.ts";

const tmp = useTmpDir("borela-v5-restore-txid-");

describe("a latest 0.5 restore ends at the TXID the plan verified", () => {
  it("restores up to the given TXID although newer LTX files are stored, with a plain restore -txid's counts", async () => {
    const dir = path.join(tmp.path, "r");
    const file = seededDatabase(dir);
    const replica = { type: "file" as const, path: path.join(dir, "replica") };
    const live = await startLitestream05(path.join(dir, "ls05"), file, replica);
    let planned: number;
    try {
      await live.caughtUp();
      await live.snapshotted();
      addRows(file, 3, 5);
      await live.caughtUp();
      const client = await openReplicaClient(replica);
      planned = Math.max(...(await client.list({ timeoutMs: 10_000 })).ltx.map((f) => f.maxTXID));
      // Written after the plan: the restore must not include these.
      addRows(file, 7, 11);
      await live.caughtUp();
    } finally {
      await live.stop();
    }
    const steps: string[] = [];
    const job = { replica, generation: "", timestamp: null, checkPolicy: "integrity" as const, assertions: [], restoreTimeoutMs: 60_000, checkTimeoutMs: 60_000, litestreamBin: litestream05(), litestreamLine: "0.5" as const, txid: planned };
    const jobDir = path.join(dir, "job");
    await import("node:fs/promises").then((fs) => fs.mkdir(jobDir));
    const result = await runIsolatedJob(job, jobDir, (_s, m) => steps.push(m));
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const plain = path.join(dir, "plain.sqlite3");
    const run = await run05(path.join(dir, "plain"), replica, ["restore", "-o", plain, "-txid", planned.toString(16).padStart(16, "0")]);
    expect(run.code, run.stderr).toBe(0);
    const restored = tableCounts(path.join(jobDir, "restored.sqlite3"));
    expect(restored).toEqual(tableCounts(plain));
    // The live database holds the newer rows the restore left out.
    expect(tableCounts(file).users).toBeGreaterThan(restored.users);
  }, 120_000);
});
