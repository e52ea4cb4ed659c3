// Applies the pure freshness verdicts to the store: project and database
// statuses, and an Incident row opened or resolved on every transition.
import type { Store } from "../store/db.ts";
import { openIncident, resolveIncident } from "../alerts/incidents.ts";
import { evaluateProject, type DatabaseState, type Status } from "./status.ts";

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The rows a sweep needs, read in one go (the heartbeat writer's raw connection serves this fast). */
export interface SweepInput {
  project: {
    id: string;
    status: string;
    statusReasons: string;
    staleAfterSeconds: number;
    heartbeatGraceSeconds: number;
    lastHeartbeatAt: Date | null;
    rejectedToken?: { at: Date; reason: string } | null;
  };
  databases: (DatabaseState & { id: string; status: string; statusReasons: string })[];
}
export type SweepReader = (projectId: string) => SweepInput | null;

export async function sweepProject(store: Store, read: SweepReader, projectId: string, now = new Date()): Promise<Status | null> {
  const input = read(projectId);
  if (!input) return null;
  const { project, databases } = input;
  const verdict = evaluateProject(project, databases, [], now, project.rejectedToken ?? null);
  const reasons = JSON.stringify(verdict.reasons);
  const changed =
    project.status !== verdict.status ||
    databases.some((d, i) => d.status !== verdict.databases[i].status);

  // Incidents first, statuses after: a crash in between is repaired by the next sweep.
  if (changed) await applyIncidents(store, input, verdict, now);
  if (project.status !== verdict.status || project.statusReasons !== reasons) {
    await store.project.update({
      where: { id: project.id },
      data: { status: verdict.status, statusReasons: reasons, ...(project.status !== verdict.status ? { statusSince: now } : {}) },
    });
  }
  for (const [i, d] of databases.entries()) {
    const v = verdict.databases[i];
    const dbReasons = JSON.stringify(v.reasons);
    if (d.status !== v.status || d.statusReasons !== dbReasons) {
      await store.database.update({ where: { id: d.id }, data: { status: v.status, statusReasons: dbReasons } });
    }
  }
  return verdict.status;
}

async function applyIncidents(store: Store, { project, databases }: SweepInput, verdict: ReturnType<typeof evaluateProject>, now: Date) {
  const projectId = project.id;
  if (verdict.status === "silent") {
    await openIncident(store, { projectId, kind: "silent", reason: verdict.reasons.join("; ") }, now);
    return;
  }
  if (verdict.status !== "unknown") await resolveIncident(store, { projectId, kind: "silent" }, now);
  if (verdict.status === "error" && databases.length === 0) {
    await openIncident(store, { projectId, kind: "error", reason: verdict.reasons.join("; ") }, now);
    return;
  }
  await resolveIncident(store, { projectId, kind: "error" }, now);
  for (const [i, d] of databases.entries()) {
    const v = verdict.databases[i];
    for (const kind of ["stale", "error"] as const) {
      const key = { projectId, databaseId: d.id, kind };
      if (v.status === kind) await openIncident(store, { ...key, reason: v.reasons.join("; ") }, now);
      else if (v.status === "fresh" || v.status === "stale" || v.status === "error") await resolveIncident(store, key, now);
    }
  }
}

const TOUCH_DELAY_MS = 100;

/** Re-evaluates every project on an interval, and one project on demand (coalesced). */
export function createSweeper(store: Store, read: SweepReader, intervalSeconds: number, logger: Logger) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const queued = new Set<string>();
  let draining: Promise<void> | null = null;

  async function sweepAll(): Promise<void> {
    const projects = await store.project.findMany({ select: { id: true } });
    for (const p of projects) await sweepProject(store, read, p.id);
  }

  function tick(): Promise<void> {
    running ??= sweepAll()
      .catch((err) => logger.error({ err }, "freshness sweep failed"))
      .finally(() => (running = null));
    return running;
  }

  async function drain(): Promise<void> {
    while (queued.size > 0) {
      const [id] = queued;
      queued.delete(id);
      await sweepProject(store, read, id).catch((err) => logger.error({ err, projectId: id }, "freshness sweep failed"));
    }
    draining = null;
  }

  return {
    tick,
    /** Called after each heartbeat; heartbeats within TOUCH_DELAY_MS share one evaluation per project. */
    touch(projectId: string): void {
      queued.add(projectId);
      draining ??= new Promise<void>((resolve) => setTimeout(resolve, TOUCH_DELAY_MS)).then(drain);
    },
    async idle(): Promise<void> {
      while (running || draining) await Promise.all([running, draining]);
    },
    start(): void {
      timer = setInterval(() => void tick(), intervalSeconds * 1000);
      timer.unref();
      void tick();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.all([running, draining]);
    },
  };
}
export type Sweeper = ReturnType<typeof createSweeper>;
