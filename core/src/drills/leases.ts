// Running drills hold a lease that their worker renews; a lease that ran out
// means the worker died. Reclaimed drills go back to the queue, or end as
// `error` after MAX_ATTEMPTS, so no drill stays `running` forever.
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Store } from "../store/db.ts";
import { MAX_ATTEMPTS } from "./execute.ts";
import { emptyReport } from "./report.ts";
import { countDrillFinished } from "../metrics/counters.ts";

export async function claimDrill(store: Store, drillId: string, workerId: string, leaseMs: number, now = new Date()): Promise<boolean> {
  const { count } = await store.drill.updateMany({
    where: {
      id: drillId,
      OR: [{ status: "queued" }, { status: "running", leaseUntil: { lt: now } }],
    },
    data: { status: "running", workerId, startedAt: now, leaseUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 } },
  });
  return count === 1;
}

export function renewLease(store: Store, drillId: string, workerId: string, leaseMs: number) {
  const timer = setInterval(() => {
    void store.drill
      .updateMany({ where: { id: drillId, workerId, status: "running" }, data: { leaseUntil: new Date(Date.now() + leaseMs) } })
      .catch(() => undefined);
  }, leaseMs / 3);
  timer.unref();
  return () => clearInterval(timer);
}

/** Requeues or ends drills whose worker stopped renewing; removes their temp dirs. Returns the ids handled. */
export async function reclaimExpired(store: Store, drillDir: string, now = new Date()): Promise<string[]> {
  const expired = await store.drill.findMany({ where: { status: "running", leaseUntil: { lt: now } } });
  for (const d of expired) {
    await removeTempDirs(drillDir, d.id);
    if (d.attempts < MAX_ATTEMPTS) {
      await store.drill.updateMany({ where: { id: d.id, status: "running" }, data: { status: "queued", leaseUntil: null, workerId: null } });
    } else {
      const report = { ...emptyReport(d.databaseName ?? "?", null, d.timestamp), error: `the worker stopped during the drill ${d.attempts} times; giving up` };
      const ended = await store.drill.updateMany({
        where: { id: d.id, status: "running" },
        data: { status: "error", finishedAt: now, leaseUntil: null, report: JSON.stringify(report), error: report.error },
      });
      if (ended.count) countDrillFinished("error");
    }
  }
  return expired.map((d) => d.id);
}

export async function removeTempDirs(drillDir: string, drillId: string): Promise<void> {
  const entries = await readdir(drillDir).catch(() => [] as string[]);
  await Promise.all(
    entries.filter((e) => e.startsWith(`drill-${drillId}-`)).map((e) => rm(path.join(drillDir, e), { recursive: true, force: true })),
  );
}
