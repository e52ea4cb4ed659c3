// Bounds the resolved incidents one project keeps, as history-budget.ts bounds its heartbeats: one agent
// token whose 32 databases flip in and out of error every heartbeat opened and resolved 32 incidents a
// flip, each with its deliveries and transitions, about 100 MB a minute at the rate limit, and nothing
// deleted them (a tester). The newest KEPT_RESOLVED_INCIDENTS resolved per project stay; older ones go with their
// deliveries and transitions (the schema's ON DELETE CASCADE). Only settled ones go (settledWhere): never an
// open incident, one resolved within SETTLED_AFTER_MS (its resolution is still being planned: alerts/plan.ts),
// one with a delivery pending or sending (a crashed sender's lease), one announced whose resolution is not
// written yet (a paused project's pager close waits for the pause: a tester saw it lost), nor any of a project
// paused now. Incidents never announced while email had no SMTP are summed up once it has: past the newest
// 1,000, those go uncounted. Prisma only, so both stores run the same code.
import type { Store } from "../store/db.ts";

/** Resolved incidents a project keeps (with their deliveries); the incident list shows at most this much history. */
export const KEPT_RESOLVED_INCIDENTS = 1_000;

/** Incidents deleted per statement: with their deliveries and transitions, 200 held the loop 55 ms on SQLite (measured). */
export const PRUNE_BATCH_INCIDENTS = 100;

/** A resolved incident younger than this is kept whatever the count (ms). */
export const SETTLED_AFTER_MS = 10 * 60_000;

/** The resolved incidents nothing will be sent about any more (a Prisma `where` on Incident). */
export function settledWhere(now: Date) {
  return {
    resolvedAt: { not: null, lt: new Date(now.getTime() - SETTLED_AFTER_MS) },
    deliveries: { none: { status: { in: ["pending" as const, "sending" as const] } } },
    NOT: { AND: [{ deliveries: { some: { event: { in: ["opened" as const, "reminder" as const] } } } }, { deliveries: { none: { event: "resolved" as const } } }] },
    project: { OR: [{ pausedUntil: null }, { pausedUntil: { lte: now } }] },
  };
}

/** What one call did: incidents deleted, and whether a project over the count is left for the next call. */
export interface IncidentPruneResult {
  deleted: number;
  more: boolean;
}

/**
 * Deletes each project's resolved incidents older than its newest `keep` resolved ones (settled ones only: see above), oldest
 * first, PRUNE_BATCH_INCIDENTS per statement and at most `maxRows` (default 100,000) per call.
 */
export async function pruneIncidentHistory(store: Store, now: Date, options: { keep?: number; maxRows?: number } = {}): Promise<IncidentPruneResult> {
  const keep = options.keep ?? KEPT_RESOLVED_INCIDENTS;
  // Deletes are cheap by index (Delivery_incidentId_idx): a minute's worth of several flipping tokens fits one call.
  const maxRows = options.maxRows ?? 100_000;
  const settled = settledWhere(now);
  // Only projects with more resolved incidents than are kept at all, found without weighing each incident (weighing
  // 100,000 resolved incidents of 10,000 projects took 0.7 s, on the event loop on SQLite); their settled ones are
  // weighed one project at a time below.
  const over = await store.incident.groupBy({ by: ["projectId"], where: { resolvedAt: { not: null } }, having: { projectId: { _count: { gt: keep } } } });
  let deleted = 0;
  for (const { projectId } of over) {
    // The newest `keep` resolved incidents stay, settled or not; the settled ones before the oldest of them go,
    // oldest first, with a turn of the event loop between batches (a tester: 6,000 deleted in one go held a SQLite
    // core's loop for 1 s; weighing which are settled to find the edge took 74 ms of it, so the edge is not weighed).
    const [edge] = await store.incident.findMany({ where: { projectId, resolvedAt: { not: null } }, orderBy: [{ resolvedAt: "desc" }, { id: "desc" }], skip: Math.max(0, keep - 1), take: 1, select: { id: true, resolvedAt: true } });
    if (!edge?.resolvedAt) continue;
    const before = keep === 0 ? {} : { OR: [{ resolvedAt: { lt: edge.resolvedAt } }, { resolvedAt: edge.resolvedAt, id: { lt: edge.id } }] };
    for (;;) {
      if (deleted >= maxRows) return { deleted, more: true };
      const old = await store.incident.findMany({
        where: { projectId, ...settled, ...before },
        orderBy: [{ resolvedAt: "asc" }, { id: "asc" }],
        take: Math.min(PRUNE_BATCH_INCIDENTS, maxRows - deleted),
        select: { id: true },
      });
      if (old.length === 0) break;
      deleted += (await store.incident.deleteMany({ where: { id: { in: old.map((i) => i.id) } } })).count;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return { deleted, more: false };
}
