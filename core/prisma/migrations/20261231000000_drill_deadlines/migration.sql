-- Drill deadlines (issue 18): each project keeps when its drill schedule next fires and when its proof turns
-- overdue, so a scheduler tick reads only the rows whose deadline passed (by index) instead of every project.
-- NULL means "compute it on the next tick": new projects, and whatever the triggers below clear.
ALTER TABLE "Project" ADD COLUMN "nextDrillAt" DATETIME;
ALTER TABLE "Project" ADD COLUMN "drillOverdueAt" DATETIME;
CREATE INDEX "Project_nextDrillAt_idx" ON "Project"("nextDrillAt");
CREATE INDEX "Project_drillOverdueAt_idx" ON "Project"("drillOverdueAt");
-- The last handled fire is now the column; the per-project settings rows go.
DELETE FROM "Setting" WHERE "key" LIKE 'drill-schedule:%';

-- Every writer (API, worker, CLI, a test through the store) changes a deadline's inputs alike, so the
-- deadlines are cleared here, in SQL, rather than by each caller.
CREATE TRIGGER "Project_drillSchedule_deadlines" AFTER UPDATE OF "drillSchedule" ON "Project"
WHEN OLD."drillSchedule" IS NOT NEW."drillSchedule"
BEGIN
  UPDATE "Project" SET "nextDrillAt" = NULL, "drillOverdueAt" = NULL WHERE "id" = NEW."id";
END;

CREATE TRIGGER "Project_overdue_inputs_deadline" AFTER UPDATE OF "createdAt", "drillGraceSeconds" ON "Project"
WHEN OLD."createdAt" IS NOT NEW."createdAt" OR OLD."drillGraceSeconds" IS NOT NEW."drillGraceSeconds"
BEGIN
  UPDATE "Project" SET "drillOverdueAt" = NULL WHERE "id" = NEW."id";
END;

CREATE TRIGGER "Drill_passed_insert_deadline" AFTER INSERT ON "Drill"
WHEN NEW."status" = 'passed'
BEGIN
  UPDATE "Project" SET "drillOverdueAt" = NULL WHERE "id" = NEW."projectId";
END;

CREATE TRIGGER "Drill_passed_update_deadline" AFTER UPDATE OF "status", "finishedAt" ON "Drill"
WHEN NEW."status" = 'passed' OR OLD."status" = 'passed'
BEGIN
  UPDATE "Project" SET "drillOverdueAt" = NULL WHERE "id" = NEW."projectId";
END;

CREATE TRIGGER "Drill_passed_delete_deadline" AFTER DELETE ON "Drill"
WHEN OLD."status" = 'passed'
BEGIN
  UPDATE "Project" SET "drillOverdueAt" = NULL WHERE "id" = OLD."projectId";
END;
