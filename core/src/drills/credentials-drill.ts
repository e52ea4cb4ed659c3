// New read credentials deserve a drill now. An operator who stored wrong keys
// saw the project's drill not run; once they store the right ones, waiting for
// the weekly schedule would leave that incident and its reminders standing for
// days over a backup that may be fine. And good keys swapped for wrong ones
// said nothing until the next scheduled drill (a tester). So every database
// drilled before is drilled again with them, unless a drill of it is queued or
// running (it reads the credentials when it runs). The first drill of a
// project never drilled is first-drill.ts's business.
import type { Store } from "../store/db.ts";
import { DrillRequestError, type EnqueueOptions } from "./service.ts";

export interface LatestDrill {
  databaseName: string | null;
  status: string;
}

/** The databases (by name) new credentials drill: those whose newest drill (`latest`: each one's) has ended. */
export function drillsAfterNewCredentials(latest: LatestDrill[]): string[] {
  return latest.filter((d) => d.databaseName !== null && d.status !== "queued" && d.status !== "running").map((d) => d.databaseName!);
}

/**
 * Queues a drill (trigger "credentials") of each of the project's databases drilled before whose newest
 * drill has ended; returns the drill ids. A database gone since its drill (retired) is skipped.
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
  for (const name of drillsAfterNewCredentials(latest)) {
    try {
      ids.push(...(await enqueue(projectId, { database: name, trigger: "credentials" })));
    } catch (err) {
      if (!(err instanceof DrillRequestError)) throw err;
    }
  }
  return ids;
}
