// Writes through a running Litestream 0.5 around a point in time that a
// restore with -timestamp can aim at.
import type { LiveV5 } from "../litestream/live-v5.ts";
import { sleep } from "../support/wait-for.ts";
import { tableCounts } from "./fixtures.ts";

/**
 * Waits until `live` caught up and took its first snapshot, runs `before` and waits for it to reach the
 * replica, then 1.1 s later takes the point in time `at` and the database's counts there, waits 1.1 s
 * more and runs `after`. Litestream is stopped at the end, whatever failed.
 */
export async function writeAroundPointInTime(live: LiveV5, file: string, before: () => void, after: () => Promise<void>): Promise<{ at: Date; countsAt: Record<string, number> }> {
  try {
    await live.caughtUp();
    await live.snapshotted();
    before();
    await live.caughtUp();
    await sleep(1100);
    const at = new Date();
    const countsAt = tableCounts(file);
    await sleep(1100);
    await after();
    return { at, countsAt };
  } finally {
    await live.stop();
  }
}
