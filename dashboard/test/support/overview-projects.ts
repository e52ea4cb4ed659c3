// The overview scale tests' set-up: projects written straight into the core's store (not thousands of HTTP
// calls): id ov-<i>, drilled weekly, a heartbeat within the last 50 s; name, status and its start as the test
// says. And a signed-in, timed fresh load of the overview.
import type { Page } from "playwright-core";
import type { Store } from "../../../core/src/store/db.ts";
import type { TestCore } from "../../../core/test/support/core-server.ts";
import { signIn } from "./use-dashboard.ts";
import { renderedRows } from "./virtual-rows.ts";
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

/**
 * Signs in, waits for the overview's rows, then loads it afresh: `firstRowsMs`, the time to its first rows and
 * the summary; `lists`, the status of every GET /api/v1/projects answer from the fresh load on (it keeps growing).
 */
export async function timedOverviewLoad(page: Page, core: TestCore): Promise<{ firstRowsMs: number; lists: number[] }> {
  const rows = renderedRows(page);
  await signIn(page, core);
  await rows.first().waitFor({ timeout: 30_000 });
  const lists: number[] = [];
  page.on("response", (res) => {
    if (new URL(res.url()).pathname === "/api/v1/projects") lists.push(res.status());
  });
  const t0 = Date.now();
  await page.goto(`${core.url}/`);
  await rows.first().waitFor({ timeout: 30_000 });
  await page.locator('[data-filter="silent"]').waitFor();
  return { firstRowsMs: Date.now() - t0, lists };
}
