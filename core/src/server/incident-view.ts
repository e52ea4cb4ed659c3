// What the API shows of incidents: newest first, each with its database's name and its reason worded now.
import type { Prisma } from "../generated/prisma/client.ts";
import type { Store } from "../store/db.ts";
import { renderReason } from "../words/reasons.ts";

/** `open`: true for open incidents only, false for resolved only, undefined for all. */
export function openFilter(open: boolean | undefined): Prisma.IncidentWhereInput {
  return open === undefined ? {} : open ? { resolvedAt: null } : { resolvedAt: { not: null } };
}

/**
 * Up to `limit` incidents matching `where`, newest first, as the API's Incident view; with `withProject`
 * each names its project ({ id, name }), for the page across projects.
 */
export async function incidentViews(store: Store, where: Prisma.IncidentWhereInput, limit: number, withProject: boolean) {
  const incidents = await store.incident.findMany({
    where,
    orderBy: { openedAt: "desc" },
    take: limit,
    include: { project: { select: { id: true, name: true } } },
  });
  const ids = [...new Set(incidents.flatMap((i) => i.databaseId ?? []))];
  const names = new Map((await store.database.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((d) => [d.id, d.name]));
  return incidents.map((i) => ({
    id: i.id,
    ...(withProject ? { project: i.project } : {}),
    kind: i.kind,
    reason: renderReason(i.reason, i.resolvedAt ?? new Date()),
    database: i.databaseId ? (names.get(i.databaseId) ?? null) : null,
    openedAt: i.openedAt,
    resolvedAt: i.resolvedAt,
    open: i.resolvedAt === null,
  }));
}
