// The SQLite sweep parts (fast-path.ts SweepStore, synchronous better-sqlite3) behind the async
// contract of sweep-store.ts. No behaviour change: each method runs its statements at once; a batch
// is one better-sqlite3 transaction whose reads, decisions and writes run without yielding.
import type { SweepStore } from "./fast-path.ts";
import type { AsyncSweepStore, SweepDecision, SweepPlan } from "./sweep-store.ts";
import type { SweepInput } from "./sweep-reads.ts";
import { retryWhileBusy } from "./sqlite-busy.ts";
import { sightOfText, sightText } from "./sight-text.ts";

/** SQLITE_BUSY retries of a batch (another connection holds the write lock), on timers, never a busy wait. */
const BUSY_RETRIES = 200;

export function sqliteSweepStore(sweep: SweepStore): AsyncSweepStore {
  const { reads, writes, incidents, mark, sight } = sweep;
  return {
    reads: {
      due: async (now) => reads.due(now),
      rejectedSince: async (at) => reads.rejectedSince(at),
      read: async (id) => reads.read(id),
    },
    writes: {
      projectStatus: async (id, status, reasons, since, now) => writes.projectStatus(id, status, reasons, since, now),
      databaseStatus: async (id, status, reasons) => writes.databaseStatus(id, status, reasons),
      deadline: async (id, at) => writes.deadline(id, at),
    },
    incidents: { apply: async (projectId, actions, now) => writes.transaction(() => incidents.apply(projectId, actions, now)) },
    mark: { record: async (at) => mark.record(at), latest: async () => mark.latest() },
    // A regained sight must be stored before it is judged with (sight-keeper.ts): a busy file is waited out, not an outage.
    sight: { record: (s) => retryWhileBusy(() => sight.recordText(sightText(s)), BUSY_RETRIES), latest: async () => sightOfText(sight.latestText()) },
    async batch<R>(projectIds: string[], now: Date, decide: (input: SweepInput) => SweepDecision<R>): Promise<Map<string, R>> {
      const ids = [...new Set(projectIds)];
      const run = () =>
        writes.transaction(() => {
          const results = new Map<string, R>();
          for (const id of ids) {
            const input = reads.read(id);
            if (!input) continue;
            const { plan, result } = decide(input);
            applyPlan(sweep, id, plan, now);
            results.set(id, result);
          }
          return results;
        });
      return retryWhileBusy(run, BUSY_RETRIES);
    },
  };
}

/** Writes one project's plan on the caller's transaction: incidents, statuses, then the deadline. */
function applyPlan(sweep: SweepStore, projectId: string, plan: SweepPlan, now: Date): void {
  sweep.incidents.apply(projectId, plan.incidents, now);
  if (plan.project) sweep.writes.projectStatus(projectId, plan.project.status, plan.project.reasons, plan.project.since, now);
  for (const d of plan.databases) sweep.writes.databaseStatus(d.id, d.status, d.reasons);
  sweep.writes.deadline(projectId, plan.deadline);
}
