// Two `litestream replicate` processes (0.3) on one replica path while the app
// writes: the overlapping WAL segments a tester's second replicator leaves.
import path from "node:path";
import { startLitestream } from "../litestream/live.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import type { FileReplicaCase } from "./file-replica-case.ts";

/**
 * Starts a first replicator (state in `<dir>/one`), waits until it caught up, starts a second
 * (`<dir>/two`), writes 25 rows/s for 4 s, waits 1.5 s, runs `whileBoth` (with both still running),
 * then stops both, whatever failed.
 */
export async function twoReplicators(s: FileReplicaCase, whileBoth: () => Promise<void> = async () => {}): Promise<void> {
  const first = await startLitestream(path.join(s.dir, "one"), s.file, s.target);
  let second: Awaited<ReturnType<typeof startLitestream>> | null = null;
  try {
    await first.caughtUp();
    second = await startLitestream(path.join(s.dir, "two"), s.file, s.target);
    const writer = await startSqliteWriter({ path: s.file, ratePerSecond: 25, durationMs: 4_000 });
    await writer.exited;
    await new Promise((r) => setTimeout(r, 1_500));
    await whileBoth();
  } finally {
    await second?.stop();
    await first.stop();
  }
}
