// Bounds the resolved incidents one project keeps, as history-budget.ts bounds its heartbeats: one agent
// token whose 32 databases flip in and out of error every heartbeat opened and resolved 32 incidents a
// flip, each with its deliveries and transitions, about 100 MB a minute at the rate limit, and nothing
// deleted them (a tester). The newest KEPT_RESOLVED_INCIDENTS per project stay; older ones go with their
// deliveries and transitions (the schema's ON DELETE CASCADE). Never pruned: an open incident, one with a
// delivery still pending, and one resolved within SETTLED_AFTER_MS (its resolution is still being planned:
// alerts/plan.ts). Prisma only, so both stores run the same code.
import type { Store } from "./db.ts";
import { PRUNE_BATCH_ROWS } from "./history-budget.ts";

/** Resolved incidents a project keeps (with their deliveries); the incident list shows at most this much history. */
export const KEPT_RESOLVED_INCIDENTS = 1_000;

/** A resolved incident younger than this is kept whatever the count (ms). */
export const SETTLED_AFTER_MS = 10 * 60_000;

/** What one call did: incidents deleted, and whether a project over the count is left for the next call. */
export interface IncidentPruneResult {
  deleted: number;
  more: boolean;
}

/**
 * Deletes each project's resolved incidents past the newest `keep` (settled ones only: see above), oldest
 * first, PRUNE_BATCH_ROWS per statement and at most `maxRows` (default 10,000) per call.
 */
export async function pruneIncidentHistory(store: Store, now: Date, options: { keep?: number; maxRows?: number } = {}): Promise<IncidentPruneResult> {
  const keep = options.keep ?? KEPT_RESOLVED_INCIDENTS;
  const maxRows = options.maxRows ?? 10_000;
  const settled = { resolvedAt: { not: null, lt: new Date(now.getTime() - SETTLED_AFTER_MS) }, deliveries: { none: { status: "pending" as const } } };
  const over = await store.incident.groupBy({ by: ["projectId"], where: settled, having: { projectId: { _count: { gt: keep } } } });
  let deleted = 0;
  for (const { projectId } of over) {
    for (;;) {
      if (deleted >= maxRows) return { deleted, more: true };
      const old = await store.incident.findMany({
        where: { projectId, ...settled },
        orderBy: [{ resolvedAt: "desc" }, { id: "desc" }],
        skip: keep,
        take: Math.min(PRUNE_BATCH_ROWS, maxRows - deleted),
        select: { id: true },
      });
      if (old.length === 0) break;
      deleted += (await store.incident.deleteMany({ where: { id: { in: old.map((i) => i.id) } } })).count;
    }
  }
  return { deleted, more: false };
}
