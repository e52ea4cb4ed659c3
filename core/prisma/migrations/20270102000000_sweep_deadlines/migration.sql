-- Sweep deadlines (issue 18): each project keeps the next moment the clock alone could change its verdict
-- or its incidents (healthchecks.io's alert_after): the earliest of its silentAt (last heartbeat or ping +
-- grace), each database's silence and each replica's staleAt (pendingSince + threshold), each cleared
-- incident's hold end, the end of the core's startup grace, and an hourly look. The sweeper computes it
-- (freshness/deadline.ts) after each evaluation; a sweep reads only the rows whose deadline passed, by index.
-- NULL means "evaluate on the next sweep": new projects, and whatever the triggers below clear.
ALTER TABLE "Project" ADD COLUMN "sweepAt" DATETIME;
CREATE INDEX "Project_sweepAt_idx" ON "Project"("sweepAt");

-- Every writer (heartbeat ingest, API, CLI, a test through the store) changes the sweep's inputs alike, so
-- the deadline is cleared here, in SQL, rather than by each caller. The sweeper writes its own deadline last,
-- after its incident writes (which clear it too).
CREATE TRIGGER "Project_sweep_inputs" AFTER UPDATE OF "lastHeartbeatAt", "lastPingAt", "heartbeatGraceSeconds", "staleAfterSeconds" ON "Project"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."id";
END;

CREATE TRIGGER "Database_sweep_insert" AFTER INSERT ON "Database"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."projectId";
END;

CREATE TRIGGER "Database_sweep_update" AFTER UPDATE OF "name", "path", "lastHeartbeatAt", "exists", "errors", "missedHeartbeats" ON "Database"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."projectId";
END;

CREATE TRIGGER "Database_sweep_delete" AFTER DELETE ON "Database"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = OLD."projectId";
END;

CREATE TRIGGER "Replica_sweep_insert" AFTER INSERT ON "Replica"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = (SELECT "projectId" FROM "Database" WHERE "id" = NEW."databaseId");
END;

CREATE TRIGGER "Replica_sweep_update" AFTER UPDATE OF "url", "pendingSince", "lastError", "position", "lastSnapshotAt" ON "Replica"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = (SELECT "projectId" FROM "Database" WHERE "id" = NEW."databaseId");
END;

CREATE TRIGGER "Replica_sweep_delete" AFTER DELETE ON "Replica"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = (SELECT "projectId" FROM "Database" WHERE "id" = OLD."databaseId");
END;

CREATE TRIGGER "Incident_sweep_insert" AFTER INSERT ON "Incident"
WHEN NEW."kind" IN ('silent', 'error', 'stale')
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."projectId";
END;

CREATE TRIGGER "Incident_sweep_update" AFTER UPDATE OF "resolvedAt", "clearedAt", "reason" ON "Incident"
WHEN NEW."kind" IN ('silent', 'error', 'stale')
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."projectId";
END;

CREATE TRIGGER "Incident_sweep_delete" AFTER DELETE ON "Incident"
WHEN OLD."kind" IN ('silent', 'error', 'stale')
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = OLD."projectId";
END;
