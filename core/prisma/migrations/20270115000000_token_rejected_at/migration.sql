-- The memory of rejected agent tokens moves from each core's memory into the store (issue 20): every core's
-- sweep words a silence "revoked token" alike, whichever core the agent's heartbeat reached.
ALTER TABLE "AgentToken" ADD COLUMN "rejectedAt" DATETIME;

CREATE INDEX "AgentToken_rejectedAt_idx" ON "AgentToken"("rejectedAt");
