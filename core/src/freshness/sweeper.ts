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

function parseList(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

export async function sweepProject(store: Store, projectId: string, now = new Date()): Promise<Status | null> {
  const project = await store.project.findUnique({
    where: { id: projectId },
    include: { databases: { include: { replicas: true }, orderBy: { name: "asc" } } },
  });
  if (!project) return null;
  const states: DatabaseState[] = project.databases.map((d) => ({
    name: d.name,
    path: d.path,
    lastHeartbeatAt: d.lastHeartbeatAt,
    exists: d.exists,
    errors: parseList(d.errors),
    replicas: d.replicas.map((r) => ({ url: r.url, pendingSince: r.pendingSince, lastError: r.lastError })),
  }));
  const verdict = evaluateProject(project, states, [], now);

  const reasons = JSON.stringify(verdict.reasons);
  if (project.status !== verdict.status || project.statusReasons !== reasons) {
    await store.project.update({
      where: { id: project.id },
      data: {
        status: verdict.status,
        statusReasons: reasons,
        ...(project.status !== verdict.status ? { statusSince: now } : {}),
      },
    });
  }
  for (const [i, d] of project.databases.entries()) {
    const v = verdict.databases[i];
    const dbReasons = JSON.stringify(v.reasons);
    if (d.status !== v.status || d.statusReasons !== dbReasons) {
      await store.database.update({ where: { id: d.id }, data: { status: v.status, statusReasons: dbReasons } });
    }
  }

  if (verdict.status === "silent") {
    await openIncident(store, { projectId, kind: "silent", reason: verdict.reasons.join("; ") }, now);
    return verdict.status;
  }
  if (verdict.status !== "unknown") await resolveIncident(store, { projectId, kind: "silent" }, now);
  if (verdict.status === "error" && project.databases.length === 0) {
    await openIncident(store, { projectId, kind: "error", reason: verdict.reasons.join("; ") }, now);
    return verdict.status;
  }
  await resolveIncident(store, { projectId, kind: "error" }, now);
  for (const [i, d] of project.databases.entries()) {
    const v = verdict.databases[i];
    for (const kind of ["stale", "error"] as const) {
      const key = { projectId, databaseId: d.id, kind };
      if (v.status === kind) await openIncident(store, { ...key, reason: v.reasons.join("; ") }, now);
      else if (v.status === "fresh" || v.status === "stale" || v.status === "error") await resolveIncident(store, key, now);
    }
  }
  return verdict.status;
}

/** Re-evaluates every project on an interval, and one project on demand (coalesced). */
export function createSweeper(store: Store, intervalSeconds: number, logger: Logger) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const queued = new Set<string>();
  let draining: Promise<void> | null = null;

  async function sweepAll(): Promise<void> {
    const projects = await store.project.findMany({ select: { id: true } });
    for (const p of projects) await sweepProject(store, p.id);
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
      await sweepProject(store, id).catch((err) => logger.error({ err, projectId: id }, "freshness sweep failed"));
    }
    draining = null;
  }

  return {
    tick,
    /** Called after each heartbeat; several heartbeats of one project in a burst share one evaluation. */
    touch(projectId: string): void {
      queued.add(projectId);
      draining ??= drain();
    },
    async idle(): Promise<void> {
      await Promise.all([running, draining]);
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
