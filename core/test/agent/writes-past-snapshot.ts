// For the 0.5 rewind tests: writes to a database its agent replicates with Litestream 0.5 until the
// replica has caught up with at least two TXIDs past its newest snapshot, so that removing the files
// that hold the newest TXIDs leaves the replica below its high mark. One 3 s burst is usually enough;
// on a busy machine Litestream may fold the writes into few TXIDs, or into its first snapshot when it
// started late (ci27–ci29), so more bursts follow, at most five.
//
//   writePastSnapshot(core, projectId, file, replicaDir): Promise<ProjectDetail>   the caught-up project;
//     throws naming the TXIDs when five bursts were not enough
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import type { TestCore } from "../support/core-server.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { waitForStatus, type ProjectDetail } from "./harness.ts";

export async function writePastSnapshot(core: TestCore, projectId: string, file: string, replicaDir: string): Promise<ProjectDetail> {
  const client = openReplicaClient({ type: "file", path: replicaDir });
  let seen = "";
  for (let burst = 0; burst < 5; burst++) {
    await (await startSqliteWriter({ path: file, ratePerSecond: 5, durationMs: 3000 })).exited;
    const caughtUp = await waitForStatus(core, projectId, "fresh", 30_000, (x) => {
      const db = x.databases[0];
      return (db?.position?.offset ?? 0) > 2 && db.replicas[0].position?.offset === db.position!.offset;
    });
    const high = caughtUp.databases[0].position!.offset;
    const snapshotMax = Math.max(0, ...(await client.list()).ltx.filter((f) => f.level === 9).map((f) => f.maxTXID));
    if (snapshotMax < high - 1) return caughtUp;
    seen = `TXID ${high}, newest snapshot ${snapshotMax}`;
  }
  throw new Error(`five bursts of writes did not reach two TXIDs past the newest snapshot (${seen})`);
}
