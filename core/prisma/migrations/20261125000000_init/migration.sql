-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "staleAfterSeconds" INTEGER NOT NULL DEFAULT 300,
    "heartbeatGraceSeconds" INTEGER NOT NULL DEFAULT 120,
    "drillSchedule" TEXT NOT NULL,
    "drillGraceSeconds" INTEGER NOT NULL DEFAULT 86400,
    "checkPolicy" TEXT NOT NULL DEFAULT 'auto',
    "rowDropWarnPercent" INTEGER NOT NULL DEFAULT 50,
    "assertions" TEXT NOT NULL DEFAULT '[]',
    "alertEmails" TEXT,
    "badgeKey" TEXT NOT NULL,
    "storagePrefix" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'unknown',
    "statusReasons" TEXT NOT NULL DEFAULT '[]',
    "statusSince" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastHeartbeatAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AgentToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "hint" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "expiresAt" DATETIME,
    "revokedAt" DATETIME,
    CONSTRAINT "AgentToken_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Database" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'unknown',
    "statusReasons" TEXT NOT NULL DEFAULT '[]',
    "sizeBytes" BIGINT NOT NULL DEFAULT 0,
    "walBytes" BIGINT NOT NULL DEFAULT 0,
    "position" TEXT,
    "lastHeartbeatAt" DATETIME,
    "exists" BOOLEAN NOT NULL DEFAULT true,
    "errors" TEXT NOT NULL DEFAULT '[]',
    "notes" TEXT NOT NULL DEFAULT '[]',
    "tableCounts" TEXT,
    "tableCountsAt" DATETIME,
    "markerEnabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Database_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Replica" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "databaseId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "managedBy" TEXT NOT NULL DEFAULT 'user',
    "generation" TEXT,
    "position" TEXT,
    "pendingSince" DATETIME,
    "lastSnapshotAt" DATETIME,
    "lastWalAt" DATETIME,
    "storageBytes" BIGINT NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Replica_databaseId_fkey" FOREIGN KEY ("databaseId") REFERENCES "Database" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Heartbeat" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME NOT NULL,
    "agentId" TEXT,
    "sequence" INTEGER,
    "storageBytes" BIGINT NOT NULL DEFAULT 0,
    "payload" TEXT NOT NULL,
    CONSTRAINT "Heartbeat_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Drill" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "databaseId" TEXT,
    "databaseName" TEXT,
    "timestamp" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "workerId" TEXT,
    "leaseUntil" DATETIME,
    "queuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "progress" TEXT,
    "report" TEXT,
    "error" TEXT,
    CONSTRAINT "Drill_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Drill_databaseId_fkey" FOREIGN KEY ("databaseId") REFERENCES "Database" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Incident" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "databaseId" TEXT,
    "kind" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "openedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" DATETIME,
    "lastNotifiedAt" DATETIME,
    CONSTRAINT "Incident_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT,
    "type" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "secretEnc" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AlertChannel_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT,
    "channelId" TEXT,
    "event" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "log" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,
    CONSTRAINT "Delivery_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Delivery_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "AlertChannel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StorageCredential" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT,
    "endpoint" TEXT,
    "region" TEXT NOT NULL DEFAULT 'us-east-1',
    "bucket" TEXT NOT NULL,
    "accessKeyIdEnc" TEXT NOT NULL,
    "secretKeyEnc" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StorageCredential_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Project_name_key" ON "Project"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Project_badgeKey_key" ON "Project"("badgeKey");

-- CreateIndex
CREATE UNIQUE INDEX "Project_storagePrefix_key" ON "Project"("storagePrefix");

-- CreateIndex
CREATE UNIQUE INDEX "AgentToken_hash_key" ON "AgentToken"("hash");

-- CreateIndex
CREATE INDEX "AgentToken_projectId_idx" ON "AgentToken"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "Database_projectId_name_key" ON "Database"("projectId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Replica_databaseId_url_key" ON "Replica"("databaseId", "url");

-- CreateIndex
CREATE INDEX "Heartbeat_projectId_receivedAt_idx" ON "Heartbeat"("projectId", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Heartbeat_projectId_agentId_sequence_key" ON "Heartbeat"("projectId", "agentId", "sequence");

-- CreateIndex
CREATE INDEX "Drill_projectId_queuedAt_idx" ON "Drill"("projectId", "queuedAt");

-- CreateIndex
CREATE INDEX "Drill_status_idx" ON "Drill"("status");

-- CreateIndex
CREATE INDEX "Incident_projectId_openedAt_idx" ON "Incident"("projectId", "openedAt");

-- CreateIndex
CREATE INDEX "Incident_resolvedAt_idx" ON "Incident"("resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_dedupeKey_key" ON "Delivery"("dedupeKey");

-- CreateIndex
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");
