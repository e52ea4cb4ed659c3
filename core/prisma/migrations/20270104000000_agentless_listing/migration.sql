-- Agentless watching (issue 16, item 8): the operator stores the replica the core lists itself (with the
-- project's stored read credentials) for a project watched by Litestream's ping alone, and the core keeps
-- what its last listing found: the newest LTX file's time, when it listed, or why it could not.
ALTER TABLE "Project" ADD COLUMN "replicaUrl" TEXT;
ALTER TABLE "Project" ADD COLUMN "newestLtxAt" DATETIME;
ALTER TABLE "Project" ADD COLUMN "listedAt" DATETIME;
ALTER TABLE "Project" ADD COLUMN "listError" TEXT;
-- A listing clears the sweep deadline (as Project_sweep_inputs does): what it found, and that it listed at all
-- (a first listing that finds no LTX file changes the verdict while newestLtxAt stays null).
CREATE TRIGGER "Project_listing_inputs" AFTER UPDATE OF "replicaUrl", "newestLtxAt", "listedAt", "listError" ON "Project"
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."id";
END;
