-- The incident outbox (issue 17): one row per incident transition (opened, resolved), written in the same
-- statement as the transition by core/src/incidents/; the alert planner reads the rows after its cursor
-- instead of reloading every open incident on every tick.
CREATE TABLE "IncidentTransition" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "incidentId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "IncidentTransition_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "IncidentTransition_incidentId_idx" ON "IncidentTransition"("incidentId");
