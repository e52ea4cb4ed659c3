-- Per-project keys handed to a project's agent in managed mode without BORELA_S3_ROLE_ARN (issue 13): the operator's keys never leave the core.
CREATE TABLE "AgentStorageKey" (
    "projectId" TEXT NOT NULL PRIMARY KEY,
    "accessKeyIdEnc" TEXT NOT NULL,
    "secretKeyEnc" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AgentStorageKey_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
