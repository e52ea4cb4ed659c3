// Projects written straight into the core's store for the overview tests (not thousands of HTTP calls): id
// ov-<i>, drilled weekly, a heartbeat within the last 50 s; name, status and its start as the test says.
import type { Store } from "../../../core/src/store/db.ts";
import type { FreshnessStatus } from "../../../core/src/generated/prisma/enums.ts";

/** Writes projects 0…n-1, 1,000 a statement; `project(i, now)` gives each one's name, status and statusSince (now: ms). */
export async function seedOverviewProjects(
  store: Store,
  n: number,
  project: (i: number, now: number) => { name: string; status: FreshnessStatus; statusSince: Date },
): Promise<void> {
  const now = Date.now();
  for (let from = 0; from < n; from += 1_000) {
    await store.project.createMany({
      data: Array.from({ length: Math.min(1_000, n - from) }, (_, k) => from + k).map((i) => ({
        id: `ov-${i}`,
        ...project(i, now),
        lastHeartbeatAt: new Date(now - (i % 50) * 1000),
        drillSchedule: "0 3 * * 0",
        badgeKey: `ov-badge-${i}`,
        storagePrefix: `ov/${i}`,
      })),
    });
  }
}
