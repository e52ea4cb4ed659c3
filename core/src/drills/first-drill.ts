// First drills come in bursts: a mass recovery (thousands of agents heard
// again at once, or a core's first sweep) turns thousands of projects fresh in
// one sweep, and each transition asks for a first drill. Looking at each one
// at once is a chain of reads per project with no turn for the event loop in
// between. They are queued instead and looked at in batches: one indexed query
// keeps only the projects still never drilled nor claimed, and the event loop
// runs between batches.
import type { Store } from "../store/db.ts";
import { dialectOf, forDialect, jsonTextValues } from "../store/dialect.ts";
import { STORED_DRILLABLE_SQL } from "./stored-subject.ts";
import { takeFirst } from "../take-first.ts";

/** Projects per batch (one query, then at most this many first-drill checks). */
export const FIRST_DRILL_BATCH = 25;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Of `projectIds` (at most a few hundred), those that have never been drilled and whose first drill
 * nobody claimed (no Setting "first-drill:<id>"): one query, the ids bound as one JSON array.
 */
export async function neverDrilled(store: Store, projectIds: string[]): Promise<string[]> {
  if (projectIds.length === 0) return [];
  const dialect = dialectOf(store);
  const rows = await store.$queryRawUnsafe<{ id: string }[]>(
    forDialect(
      dialect,
      `SELECT j.value AS "id" FROM ${jsonTextValues(dialect, "j")}
       WHERE NOT EXISTS (SELECT 1 FROM "Drill" x WHERE x."projectId" = j.value)
         AND NOT EXISTS (SELECT 1 FROM "Setting" s WHERE s."key" = 'first-drill:' || j.value)`,
    ),
    JSON.stringify(projectIds),
  );
  return rows.map((r) => r.id);
}

/**
 * Projects that turned fresh with databases (or a stored replica) and were never drilled nor claimed: one
 * indexed query, not a read of every project (the sweeper's hook queues them at once; this catches a restart).
 * The same SQL on both stores.
 */
export async function firstDrillCandidates(store: Store): Promise<string[]> {
  const rows = await store.$queryRawUnsafe<{ id: string }[]>(
    `SELECT p."id" FROM "Project" p
     WHERE p."status" = 'fresh'
       AND (EXISTS (SELECT 1 FROM "Database" d WHERE d."projectId" = p."id") OR ${STORED_DRILLABLE_SQL})
       AND NOT EXISTS (SELECT 1 FROM "Drill" x WHERE x."projectId" = p."id")
       AND NOT EXISTS (SELECT 1 FROM "Setting" s WHERE s."key" = 'first-drill:' || p."id")`,
  );
  return rows.map((r) => r.id);
}

export interface FirstDrillQueue {
  /** Queues a look at the project's first drill (a transition to fresh, or the catch-up's candidates). */
  add(projectId: string): void;
  /** Resolves once everything queued so far has been looked at. */
  idle(): Promise<void>;
  /**
   * Drops what is still queued and resolves once the batch under way is done; later adds are ignored. A stop
   * does not wait for a backlog (thousands of projects turning fresh at once): the catch-up
   * (firstDrillCandidates) finds the dropped ones at the next start.
   */
  stop(): Promise<void>;
}

/**
 * Looks at queued projects FIRST_DRILL_BATCH at a time: `check` (the service's firstDrills) runs once per
 * batch with those neverDrilled keeps; its errors go to `onError` and the queue goes on.
 */
export function createFirstDrillQueue(store: Store, check: (projectIds: string[]) => Promise<unknown>, onError: (err: unknown) => void): FirstDrillQueue {
  const queued = new Set<string>();
  let draining: Promise<void> | null = null;
  let stopped = false;

  async function drain(): Promise<void> {
    while (queued.size > 0) {
      const batch = takeFirst(queued, FIRST_DRILL_BATCH);
      try {
        const never = await neverDrilled(store, batch);
        if (never.length > 0) await check(never);
      } catch (err) {
        onError(err);
      }
      await yieldToLoop();
    }
  }

  function kick(): void {
    draining ??= yieldToLoop()
      .then(drain)
      .finally(() => {
        draining = null;
        // Added between the drain's last look and here.
        if (queued.size > 0) kick();
      });
  }

  return {
    add(projectId) {
      if (stopped) return;
      queued.add(projectId);
      kick();
    },
    async idle() {
      while (draining) await draining;
    },
    async stop() {
      stopped = true;
      queued.clear();
      while (draining) await draining;
    },
  };
}
