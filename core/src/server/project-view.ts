// The JSON shapes of a project in the API (list and detail), built from rows.
import type { Store } from "../store/db.ts";
import { parseJson } from "../store/json.ts";
import { restoreCommands } from "../snippets/restore-commands.ts";

// Kept for the callers that import it from here (alerts/context.ts).
export { restoreCommands };

type ProjectRow = NonNullable<Awaited<ReturnType<typeof loadProjects>>[number]>;

export function loadProjects(store: Store, where: { id?: string } = {}) {
  return store.project.findMany({
    where,
    orderBy: { name: "asc" },
    include: { databases: { include: { replicas: { orderBy: { url: "asc" } } }, orderBy: { name: "asc" } } },
  });
}

async function lastDrills(store: Store, projectIds: string[]) {
  const drills = await store.drill.findMany({
    where: { projectId: { in: projectIds }, status: { in: ["passed", "failed", "error"] } },
    orderBy: { finishedAt: "desc" },
    distinct: ["projectId"],
  });
  return new Map(drills.map((d) => [d.projectId, d]));
}

function drillSummary(d: Awaited<ReturnType<typeof lastDrills>> extends Map<string, infer D> ? D | undefined : never) {
  if (!d) return null;
  const report = parseJson<Record<string, unknown>>(d.report, {});
  return {
    id: d.id,
    status: d.status,
    database: d.databaseName,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    restoreSeconds: report.restoreSeconds ?? null,
    rpoSeconds: report.rpoSeconds ?? null,
    error: report.error ?? d.error ?? null,
  };
}

function newest(dates: (Date | null)[]): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d && (!best || d > best)) best = d;
  return best;
}

function summary(p: ProjectRow, drill: ReturnType<typeof drillSummary>) {
  const replicas = p.databases.flatMap((d) => d.replicas);
  return {
    id: p.id,
    name: p.name,
    status: p.status,
    statusSince: p.statusSince,
    lastHeartbeatAt: p.lastHeartbeatAt,
    lastBackupAt: newest(replicas.flatMap((r) => [r.lastWalAt, r.lastSnapshotAt])),
    storageBytes: replicas.reduce((sum, r) => sum + Number(r.storageBytes), 0),
    lastDrill: drill,
  };
}

export async function projectSummaries(store: Store) {
  const projects = await loadProjects(store);
  const drills = await lastDrills(store, projects.map((p) => p.id));
  return projects.map((p) => summary(p, drillSummary(drills.get(p.id))));
}

export async function projectDetail(store: Store, id: string, now = new Date()) {
  const [p] = await loadProjects(store, { id });
  if (!p) return null;
  const drills = await lastDrills(store, [p.id]);
  return {
    ...summary(p, drillSummary(drills.get(p.id))),
    statusReasons: parseJson<string[]>(p.statusReasons, []),
    staleAfterSeconds: p.staleAfterSeconds,
    heartbeatGraceSeconds: p.heartbeatGraceSeconds,
    drillSchedule: p.drillSchedule,
    drillGraceSeconds: p.drillGraceSeconds,
    checkPolicy: p.checkPolicy,
    rowDropWarnPercent: p.rowDropWarnPercent,
    assertions: parseJson<unknown[]>(p.assertions, []),
    alertEmails: p.alertEmails ? p.alertEmails.split(",") : [],
    badgePath: `/badge/${p.badgeKey}.svg`,
    createdAt: p.createdAt,
    databases: p.databases.map((d) => {
      const oldestPending = d.replicas
        .map((r) => r.pendingSince)
        .filter((x): x is Date => x !== null)
        .sort((a, b) => +a - +b)[0];
      return {
        id: d.id,
        name: d.name,
        path: d.path,
        status: d.status,
        statusReasons: parseJson<string[]>(d.statusReasons, []),
        exists: d.exists,
        sizeBytes: Number(d.sizeBytes),
        walBytes: Number(d.walBytes),
        position: parseJson(d.position, null),
        lastHeartbeatAt: d.lastHeartbeatAt,
        lagSeconds: oldestPending ? Math.max(0, (now.getTime() - oldestPending.getTime()) / 1000) : 0,
        errors: parseJson<string[]>(d.errors, []),
        notes: parseJson<string[]>(d.notes, []),
        tableCounts: parseJson<Record<string, number> | null>(d.tableCounts, null),
        tableCountsAt: d.tableCountsAt,
        markerEnabled: d.markerEnabled,
        restoreCommands: restoreCommands(p.name, d, d.replicas[0]?.url ?? null),
        replicas: d.replicas.map((r) => ({
          id: r.id,
          type: r.type,
          url: r.url,
          managedBy: r.managedBy,
          generation: r.generation,
          position: parseJson(r.position, null),
          pendingSince: r.pendingSince,
          lastSnapshotAt: r.lastSnapshotAt,
          lastWalAt: r.lastWalAt,
          storageBytes: Number(r.storageBytes),
          lastError: r.lastError,
        })),
      };
    }),
  };
}
