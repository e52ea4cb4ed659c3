-- Fewer writes per heartbeat (issue 18).
--
-- The sweep-deadline triggers (20270102000000_sweep_deadlines, 20270104000000_agentless_listing) cleared
-- Project.sweepAt on every firing, so a steady heartbeat (its Database row, Replica row and the project's
-- lastHeartbeatAt each fire one) wrote the Project row and its sweepAt index four times. Clearing a deadline
-- that is already cleared changes nothing: each trigger now skips a project whose sweepAt is NULL, and the
-- first change after a sweep is the only one that writes.
DROP TRIGGER "Project_sweep_inputs";
CREATE TRIGGER "Project_sweep_inputs" AFTER UPDATE OF "lastHeartbeatAt", "lastPingAt", "heartbeatGraceSeconds", "staleAfterSeconds" ON "Project"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."id" AND "sweepAt" IS NOT NULL;
END;

DROP TRIGGER "Project_listing_inputs";
CREATE TRIGGER "Project_listing_inputs" AFTER UPDATE OF "replicaUrl", "newestLtxAt", "listedAt", "listError" ON "Project"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."id" AND "sweepAt" IS NOT NULL;
END;

DROP TRIGGER "Database_sweep_insert";
CREATE TRIGGER "Database_sweep_insert" AFTER INSERT ON "Database"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."projectId" AND "sweepAt" IS NOT NULL;
END;

DROP TRIGGER "Database_sweep_update";
CREATE TRIGGER "Database_sweep_update" AFTER UPDATE OF "name", "path", "lastHeartbeatAt", "exists", "errors", "missedHeartbeats" ON "Database"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."projectId" AND "sweepAt" IS NOT NULL;
END;

DROP TRIGGER "Database_sweep_delete";
CREATE TRIGGER "Database_sweep_delete" AFTER DELETE ON "Database"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = OLD."projectId" AND "sweepAt" IS NOT NULL;
END;

DROP TRIGGER "Replica_sweep_insert";
CREATE TRIGGER "Replica_sweep_insert" AFTER INSERT ON "Replica"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = (SELECT "projectId" FROM "Database" WHERE "id" = NEW."databaseId") AND "sweepAt" IS NOT NULL;
END;

DROP TRIGGER "Replica_sweep_update";
CREATE TRIGGER "Replica_sweep_update" AFTER UPDATE OF "url", "pendingSince", "lastError", "position", "lastSnapshotAt" ON "Replica"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = (SELECT "projectId" FROM "Database" WHERE "id" = NEW."databaseId") AND "sweepAt" IS NOT NULL;
END;

DROP TRIGGER "Replica_sweep_delete";
CREATE TRIGGER "Replica_sweep_delete" AFTER DELETE ON "Replica"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = (SELECT "projectId" FROM "Database" WHERE "id" = OLD."databaseId") AND "sweepAt" IS NOT NULL;
END;

DROP TRIGGER "Incident_sweep_insert";
CREATE TRIGGER "Incident_sweep_insert" AFTER INSERT ON "Incident"
WHEN NEW."kind" IN ('silent', 'error', 'stale')
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."projectId" AND "sweepAt" IS NOT NULL;
END;

DROP TRIGGER "Incident_sweep_update";
CREATE TRIGGER "Incident_sweep_update" AFTER UPDATE OF "resolvedAt", "clearedAt", "reason" ON "Incident"
WHEN NEW."kind" IN ('silent', 'error', 'stale')
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."projectId" AND "sweepAt" IS NOT NULL;
END;

DROP TRIGGER "Incident_sweep_delete";
CREATE TRIGGER "Incident_sweep_delete" AFTER DELETE ON "Incident"
WHEN OLD."kind" IN ('silent', 'error', 'stale')
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = OLD."projectId" AND "sweepAt" IS NOT NULL;
END;

-- Heartbeat_projectId_receivedAt_bytes_idx (20270106000000_heartbeat_bytes) begins with the same two
-- columns, so it serves every query this one served (the history page, the budget, alert context, the
-- project delete's cascade); each heartbeat wrote both.
DROP INDEX "Heartbeat_projectId_receivedAt_idx";
