// For the 0.5 rewind tests: writes to a database its agent replicates with Litestream 0.5 until the
// replica has caught up with at least two TXIDs past its newest snapshot, so that removing the files
// that hold the newest TXIDs leaves the replica below its high mark. One 3 s burst is usually enough;
// on a busy machine Litestream may fold the writes into few TXIDs, or into its first snapshot when it
// started late (ci27–ci29), so more bursts follow, at most five.
//
// Caught up is then held for 2 s with no new TXID: after the writer stops, Litestream may still add one
// (ci33: TXID 4 arrived after the test had read 3 as the mark, filled the top of the hole it made, and the
// replica never went back).
//
//   writePastSnapshot(core, projectId, file, replicaDir): Promise<ProjectDetail>   the caught-up, settled project;
//     throws naming the TXIDs when five bursts were not enough
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import type { TestCore } from "../support/core-server.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { sleep } from "../support/wait-for.ts";
import { waitForStatus, type ProjectDetail } from "./harness.ts";

const caughtUpPast2 = (x: ProjectDetail) => {
  const db = x.databases[0];
  return (db?.position?.offset ?? 0) > 2 && db.replicas[0].position?.offset === db.position!.offset;
};

/** Fresh and caught up, with the same TXID for 2 s (at most 5 tries). */
async function settled(core: TestCore, projectId: string): Promise<ProjectDetail> {
  let last = await waitForStatus(core, projectId, "fresh", 30_000, caughtUpPast2);
  for (let i = 0; i < 5; i++) {
    await sleep(2000);
    const now = await waitForStatus(core, projectId, "fresh", 30_000, caughtUpPast2);
    if (now.databases[0].position!.offset === last.databases[0].position!.offset) return now;
    last = now;
  }
  return last;
}

export async function writePastSnapshot(core: TestCore, projectId: string, file: string, replicaDir: string): Promise<ProjectDetail> {
  const client = openReplicaClient({ type: "file", path: replicaDir });
  let seen = "";
  for (let burst = 0; burst < 5; burst++) {
    await (await startSqliteWriter({ path: file, ratePerSecond: 5, durationMs: 3000 })).exited;
    const caughtUp = await settled(core, projectId);
    const high = caughtUp.databases[0].position!.offset;
    const snapshotMax = Math.max(0, ...(await client.list()).ltx.filter((f) => f.level === 9).map((f) => f.maxTXID));
    if (snapshotMax < high - 1) return caughtUp;
    seen = `TXID ${high}, newest snapshot ${snapshotMax}`;
  }
  throw new Error(`five bursts of writes did not reach two TXIDs past the newest snapshot (${seen})`);
}
