-- Agentless watching (issue 16, item 8): Litestream 0.5's heartbeat-url pings GET /ping/<pingKey>; the last ping's time is kept.
ALTER TABLE "Project" ADD COLUMN "pingKey" TEXT;
ALTER TABLE "Project" ADD COLUMN "lastPingAt" DATETIME;
-- Existing projects get a key too: 18 random bytes, hex (as unguessable as the badge key's 18 base64url bytes).
UPDATE "Project" SET "pingKey" = lower(hex(randomblob(18))) WHERE "pingKey" IS NULL;
CREATE UNIQUE INDEX "Project_pingKey_key" ON "Project"("pingKey");
