-- Heartbeats in a row (newer than its own last report) that left this database out: fault 8, databases the agent stops reporting.
ALTER TABLE "Database" ADD COLUMN "missedHeartbeats" INTEGER NOT NULL DEFAULT 0;

-- When the condition behind an open incident went away; it resolves once it has stayed away for the kind's confirmation delay.
ALTER TABLE "Incident" ADD COLUMN "clearedAt" DATETIME;
