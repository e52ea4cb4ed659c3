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

/**
 * Pure: how long (ms) a worker handed a job for a drill another worker runs should wait before it claims once
 * more, or null to let the job go. BullMQ hands a killed worker's job on when its lock runs out, which can be
 * before the Drill row's lease does: waiting out the lease (at most `leaseMs` + 1 s) lets the new worker take
 * the drill over at once, and a holder still alive has renewed by then (the second claim fails: skipped).
 */
export function claimRetryMs(row: { status: string; workerId: string | null; leaseUntil: Date | null } | null, workerId: string, leaseMs: number, now: Date): number | null {
  if (row?.status !== "running" || row.leaseUntil === null || row.workerId === workerId) return null;
  const left = row.leaseUntil.getTime() - now.getTime();
  return left < 0 ? 0 : Math.min(left + 250, leaseMs + 1_000);
}

/**
 * Claims `drillId` for `workerId` (claimDrill); a drill another worker holds is claimed once more after that
 * worker's lease (claimRetryMs: at most `leaseMs` + 1 s later). True when this worker holds it now.
 */
export async function claimOrTakeOver(store: Store, drillId: string, workerId: string, leaseMs: number): Promise<boolean> {
  if (await claimDrill(store, drillId, workerId, leaseMs)) return true;
  const row = await store.drill.findUnique({ where: { id: drillId }, select: { status: true, workerId: true, leaseUntil: true } });
  const waitMs = claimRetryMs(row, workerId, leaseMs, new Date());
  if (waitMs === null) return false;
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return claimDrill(store, drillId, workerId, leaseMs);
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
      // Still expired: a worker that claimed it since the read keeps it.
      await store.drill.updateMany({ where: { id: d.id, status: "running", leaseUntil: { lt: now } }, data: { status: "queued", leaseUntil: null, workerId: null } });
    } else {
      const report = { ...emptyReport(d.databaseName ?? "?", null, d.timestamp), error: `the worker stopped during the drill ${d.attempts} times; giving up` };
      const ended = await store.drill.updateMany({
        where: { id: d.id, status: "running", leaseUntil: { lt: now } },
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
