-- The same as the SQLite migration of this name: the sweep-deadline triggers skip a project whose sweepAt
-- is already NULL (a steady heartbeat wrote the Project row four times), and the Heartbeat index that
-- Heartbeat_projectId_receivedAt_bytes_idx begins with goes.
CREATE OR REPLACE FUNCTION "Project_clear_sweepAt"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."id" AND "sweepAt" IS NOT NULL;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "Owner_clear_sweepAt"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = OLD."projectId" AND "sweepAt" IS NOT NULL;
  ELSE
    UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."projectId" AND "sweepAt" IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "Replica_clear_sweepAt"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = (SELECT "projectId" FROM "Database" WHERE "id" = OLD."databaseId") AND "sweepAt" IS NOT NULL;
  ELSE
    UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = (SELECT "projectId" FROM "Database" WHERE "id" = NEW."databaseId") AND "sweepAt" IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;

DROP INDEX "Heartbeat_projectId_receivedAt_idx";
