-- Scoped credentials shared by the cores on one store (issue 20, storage/shared-credentials.ts): one AssumeRole
-- per agent token, whichever core the agent's GET /api/v1/agent/config reaches.
CREATE TABLE "ScopedCredential" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

CREATE INDEX "ScopedCredential_expiresAt_idx" ON "ScopedCredential"("expiresAt");
