// Rows for the sweep store's tests (store/sweep-store.test.ts, store/sweep-decision.test.ts): a project
// seeded through either store's Prisma client, and everything a sweep writes read back the same way.
import type { Store } from "../../src/store/db.ts";

export const T0 = new Date("2026-11-29T12:00:00.000Z");
/** T0 plus `s` seconds. */
export const at = (s: number) => new Date(T0.getTime() + s * 1000);

/** A project with one database "app" (and one replica) last heard from at `heardAt`. */
export async function seedProject(db: Store, id: string, heardAt: Date, extra: { openSilentAt?: Date } = {}): Promise<void> {
  const position = JSON.stringify({ generation: "g1", index: 3, offset: 4096 });
  await db.project.create({
    data: {
      id,
      name: id,
      drillSchedule: "0 3 * * 0",
      badgeKey: `${id}-badge`,
      storagePrefix: `projects/${id}`,
      heartbeatGraceSeconds: 120,
      lastHeartbeatAt: heardAt,
      statusSince: at(-3600),
      updatedAt: at(-3600),
      databases: {
        create: [
          {
            id: `${id}-app`,
            name: "app",
            path: "/data/app.db",
            lastHeartbeatAt: heardAt,
            position,
            replicas: { create: { id: `${id}-r`, type: "file", url: "file:///backups/app", position, lastSnapshotAt: at(-60), updatedAt: heardAt } },
          },
          // Names whose byte order differs from a locale's: SQLite sorts BINARY, PostgreSQL must too.
          { id: `${id}-B`, name: "B-logs", path: "/data/B.db", lastHeartbeatAt: heardAt, position },
        ],
      },
      ...(extra.openSilentAt
        ? { incidents: { create: { id: `${id}-silent`, kind: "silent", reason: "no heartbeat", openedAt: extra.openSilentAt, transitions: { create: { projectId: id, event: "opened", at: extra.openSilentAt } } } } }
        : {}),
    },
  });
}

/** Everything a sweep writes, read back through Prisma; new incidents' ids named by kind and database. */
export async function rows(db: Store, projectIds: string[]) {
  const incidents = await db.incident.findMany({ where: { projectId: { in: projectIds } }, orderBy: { id: "asc" } });
  const name = new Map(incidents.map((i) => [i.id, i.id.startsWith(i.projectId) ? i.id : `new:${i.projectId}:${i.kind}:${i.databaseId}`]));
  const transitions = await db.incidentTransition.findMany({ where: { projectId: { in: projectIds } } });
  return {
    projects: await db.project.findMany({
      where: { id: { in: projectIds } },
      orderBy: { id: "asc" },
      select: { id: true, status: true, statusReasons: true, statusSince: true, updatedAt: true, sweepAt: true },
    }),
    databases: await db.database.findMany({ where: { projectId: { in: projectIds } }, orderBy: { id: "asc" }, select: { id: true, status: true, statusReasons: true } }),
    incidents: incidents.map((i) => ({ ...i, id: name.get(i.id)!, lastNotifiedAt: undefined })).sort((a, b) => a.id.localeCompare(b.id)),
    transitions: transitions
      .map((t) => ({ incident: name.get(t.incidentId), projectId: t.projectId, event: t.event, at: t.at }))
      .sort((a, b) => `${a.incident}${a.event}`.localeCompare(`${b.incident}${b.event}`)),
  };
}

