// Retiring a database the agent no longer reports (fault 8): its row and
// replicas go, its open incidents resolve, drills still queued for it are
// dropped; finished drills stay as history (databaseId cleared by the schema,
// databaseName kept), and the project keeps its name and time (retiredName, retiredAt): left with none, it
// says so rather than "the agent reports no databases" (freshness/retired.ts). An agent that reports the name
// again creates a new row.
import type { Store } from "./db.ts";
import { resolveDatabaseIncidents } from "../incidents/open-resolve.ts";

export interface Retired {
  id: string;
  name: string;
  resolvedIncidents: number;
  droppedDrills: number;
}

/** Null when the project has no database with this id. */
export async function retireDatabase(store: Store, projectId: string, databaseId: string, now = new Date()): Promise<Retired | null> {
  return store.$transaction(async (tx) => {
    const db = await tx.database.findFirst({ where: { id: databaseId, projectId }, select: { id: true, name: true } });
    if (!db) return null;
    const drills = await tx.drill.deleteMany({ where: { projectId, databaseId, status: "queued" } });
    const resolvedIncidents = await resolveDatabaseIncidents(tx, projectId, databaseId, now);
    await tx.database.delete({ where: { id: databaseId } });
    // Kept so a project left with none says it was retired, not that the agent reports none (freshness/retired.ts).
    await tx.project.update({ where: { id: projectId }, data: { retiredName: db.name, retiredAt: now } });
    return { id: db.id, name: db.name, resolvedIncidents, droppedDrills: drills.count };
  });
}
