// Gathers what an alert says about its project: last good backup, last
// passing drill, restore commands, the dashboard link.
import { renderReason } from "../words/reasons.ts";
import type { Store } from "../store/db.ts";
import { restoreCommands } from "../snippets/restore-commands.ts";
import type { AlertContext } from "./message.ts";
import type { AlertEvent } from "./decisions.ts";
import { conditionStart } from "./condition-start.ts";
import type { S3Settings } from "../config.ts";
import { restoreStorage } from "../storage/restore-storage.ts";

export async function alertContext(
  store: Store,
  publicUrl: string,
  incident: { id?: string; projectId: string; databaseId: string | null; kind: string; reason: string; openedAt: Date; resolvedAt: Date | null },
  event: AlertEvent | "test",
  now = new Date(),
  s3: S3Settings | null = null,
): Promise<AlertContext> {
  const project = await store.project.findUniqueOrThrow({
    where: { id: incident.projectId },
    include: { databases: { include: { replicas: { orderBy: { url: "asc" } } }, orderBy: { name: "asc" } } },
  });
  const databases = incident.databaseId ? project.databases.filter((d) => d.id === incident.databaseId) : project.databases;
  const replicas = databases.flatMap((d) => d.replicas);
  const lastBackupAt = replicas.reduce<Date | null>((t, r) => {
    const newest = [r.lastWalAt, r.lastSnapshotAt].filter((x): x is Date => !!x).sort((a, b) => +b - +a)[0] ?? null;
    return newest && (!t || newest > t) ? newest : t;
  }, null);
  const lastPassing = await store.drill.findFirst({
    where: { projectId: project.id, status: "passed", ...(incident.databaseId ? { databaseId: incident.databaseId } : {}) },
    orderBy: { finishedAt: "desc" },
  });
  // What the agent said last before the incident opened: when its silence began, or since when changes waited.
  const before =
    incident.kind === "silent" || incident.kind === "stale"
      ? await store.heartbeat.findFirst({ where: { projectId: project.id, receivedAt: { lte: incident.openedAt } }, orderBy: { receivedAt: "desc" }, select: { receivedAt: true, payload: true } })
      : null;
  const database = incident.databaseId ? (databases[0]?.name ?? null) : null;
  const startedAt = conditionStart(incident.kind, incident.openedAt, {
    lastHeartbeatAt: before?.receivedAt ?? null,
    pendingSince: before && database ? pendingSinceIn(before.payload, database) : null,
    staleAfterSeconds: project.staleAfterSeconds,
    heartbeatGraceSeconds: project.heartbeatGraceSeconds,
  });
  const storage = await restoreStorage(store, s3, project);
  const lastDrills = await Promise.all(
    databases.map((d) => store.drill.findFirst({ where: { databaseId: d.id, status: { in: ["passed", "failed", "error"] } }, orderBy: { finishedAt: "desc" }, select: { status: true, error: true } })),
  );
  const commands = databases.flatMap((d, i) => {
    const c = restoreCommands(project.name, d, d.replicas[0]?.url ?? null, storage, publicUrl, lastDrills[i]);
    return [c.litestream, c.borela].filter((x): x is string => !!x);
  });
  return {
    event,
    ...(incident.id ? { incidentId: incident.id } : {}),
    project: { id: project.id, name: project.name },
    database,
    kind: incident.kind,
    // A silence is stored as when it began; worded as how long it lasted (until it ended, or now).
    reason: renderReason(incident.reason, incident.resolvedAt ?? now),
    startedAt,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt,
    lastBackupAt,
    lastPassingDrillAt: lastPassing?.finishedAt ?? null,
    restoreCommands: commands,
    dashboardUrl: `${publicUrl}/projects/${project.id}`,
    now,
    // A silent project outranks whatever its databases last reported.
    statusNow: project.status === "silent" || !incident.databaseId ? project.status : (databases[0]?.status ?? project.status),
  };
}

/** The oldest pendingSince among a database's replicas in a stored heartbeat payload (protocol.ts); null when none or unreadable. */
function pendingSinceIn(payload: string, database: string): Date | null {
  try {
    const hb = JSON.parse(payload) as { databases?: { name?: string; replicas?: { pendingSince?: string | null }[] }[] };
    const times = (hb.databases?.find((d) => d.name === database)?.replicas ?? [])
      .map((r) => (r.pendingSince ? Date.parse(r.pendingSince) : NaN))
      .filter((t) => Number.isFinite(t));
    return times.length > 0 ? new Date(Math.min(...times)) : null;
  } catch {
    return null;
  }
}
