-- The same as the SQLite migration of this name: when an agent last came with a revoked or expired token.
ALTER TABLE "AgentToken" ADD COLUMN "rejectedAt" TIMESTAMP(3);

CREATE INDEX "AgentToken_rejectedAt_idx" ON "AgentToken"("rejectedAt");
