// New read credentials deserve a drill now. An operator who stored wrong keys
// (or a wrong bucket) saw the project's drill fail or not run; once they store
// the right ones, waiting for the weekly schedule would leave the failure, its
// incident and its reminders standing for days over a backup that may be fine.
// The first drill of a project never drilled is first-drill.ts's business.
import type { Store } from "../store/db.ts";
import { DrillRequestError, type EnqueueOptions } from "./service.ts";

export interface LatestDrill {
  databaseName: string | null;
  status: string;
}

/**
 * The databases (by name) whose newest drill failed or could not run: the ones new credentials may mend.
 * `latest`: each database's newest drill. A queued or running drill reads the credentials when it runs.
 */
export function drillsToRetry(latest: LatestDrill[]): string[] {
  return latest.filter((d) => d.databaseName !== null && (d.status === "failed" || d.status === "error")).map((d) => d.databaseName!);
}

/**
 * Queues a drill (trigger "credentials") of each of the project's databases whose newest drill failed or
 * could not run; returns the drill ids. A database gone since its drill (retired) is skipped.
 */
export async function drillAfterCredentials(
  store: Store,
  enqueue: (projectId: string, options: EnqueueOptions) => Promise<string[]>,
  projectId: string,
): Promise<string[]> {
  const latest = await store.drill.findMany({
    where: { projectId },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    distinct: ["databaseName"],
    select: { databaseName: true, status: true },
  });
  const ids: string[] = [];
  for (const name of drillsToRetry(latest)) {
    try {
      ids.push(...(await enqueue(projectId, { database: name, trigger: "credentials" })));
    } catch (err) {
      if (!(err instanceof DrillRequestError)) throw err;
    }
  }
  return ids;
}
