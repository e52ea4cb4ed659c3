// A core stopping (SIGTERM) waited for its whole first-drill backlog: at 100,000 projects turning fresh in a
// bench run the core did not exit within 60 s of SIGTERM (drills/service.ts stop() awaited the queue's idle()).
// stop() now drops what is queued and waits only for the batch under way; the catch-up at the next start
// (firstDrillCandidates) finds the dropped projects again. Real SQLite store; the ids are never-drilled ones.
import { describe, expect, it } from "vitest";
import { createFirstDrillQueue, FIRST_DRILL_BATCH } from "../../src/drills/first-drill.ts";
import { useTempStores } from "../support/use-store.ts";

const stores = useTempStores("borela-first-drill-stop-");

describe("the first-drill queue stopped with a backlog", () => {
  it("finishes the batch under way, drops the rest, and ignores later adds", async () => {
    const { store } = await stores.open();
    const checked: string[] = [];
    let firstCheck!: () => void;
    const started = new Promise<void>((resolve) => (firstCheck = resolve));
    const queue = createFirstDrillQueue(
      store,
      async (ids) => {
        checked.push(...ids);
        firstCheck();
        await new Promise((r) => setTimeout(r, 5 * ids.length));
      },
      (err) => {
        throw err;
      },
    );
    const backlog = Array.from({ length: 20 * FIRST_DRILL_BATCH }, (_, i) => `project-${String(i).padStart(4, "0")}`);
    for (const id of backlog) queue.add(id);
    await started;
    const t0 = Date.now();
    await queue.stop();
    const stopMs = Date.now() - t0;
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.length).toBeLessThanOrEqual(FIRST_DRILL_BATCH);
    // The whole backlog at 5 ms a check would take 2.5 s.
    expect(stopMs).toBeLessThan(FIRST_DRILL_BATCH * 5 + 1_000);
    queue.add("after-stop");
    await queue.idle();
    await new Promise((r) => setTimeout(r, 50));
    expect(checked).not.toContain("after-stop");
  });
});
