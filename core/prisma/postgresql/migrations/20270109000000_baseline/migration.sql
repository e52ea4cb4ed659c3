-- The PostgreSQL store's baseline: the schema the SQLite migrations reach at
-- 20270108000000_replica_high_txid, with schema.prisma's enums (CheckPolicy and
-- ReplicaManager included) as PostgreSQL enum types. Tables, enums, keys and indexes are Prisma's DDL
-- for prisma/postgresql/schema.prisma (`prisma migrate diff --from-empty`); the
-- expression index and the deadline triggers below are the SQLite migrations' own,
-- translated (SQLite's `IS NOT` is `IS DISTINCT FROM`; its triggers are per row).

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "FreshnessStatus" AS ENUM ('fresh', 'stale', 'silent', 'error', 'unknown');

-- CreateEnum
CREATE TYPE "DrillStatus" AS ENUM ('queued', 'running', 'passed', 'failed', 'error');

-- CreateEnum
CREATE TYPE "DrillTrigger" AS ENUM ('manual', 'schedule', 'first', 'cli');

-- CreateEnum
CREATE TYPE "IncidentKind" AS ENUM ('stale', 'silent', 'error', 'drill_failed', 'drill_overdue');

-- CreateEnum
CREATE TYPE "TransitionEvent" AS ENUM ('opened', 'resolved');

-- CreateEnum
CREATE TYPE "DeliveryEvent" AS ENUM ('opened', 'resolved', 'reminder', 'missed', 'digest');

-- CreateEnum
CREATE TYPE "ChannelType" AS ENUM ('email', 'webhook', 'slack', 'discord', 'teams', 'telegram', 'ntfy', 'pushover', 'gotify', 'matrix', 'mattermost', 'pagerduty', 'opsgenie');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'sending', 'sent', 'failed');

-- CreateEnum
CREATE TYPE "CheckPolicy" AS ENUM ('auto', 'integrity', 'quick');

-- CreateEnum
CREATE TYPE "ReplicaManager" AS ENUM ('user', 'borela');

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "staleAfterSeconds" INTEGER NOT NULL DEFAULT 300,
    "heartbeatGraceSeconds" INTEGER NOT NULL DEFAULT 120,
    "drillSchedule" TEXT NOT NULL,
    "drillGraceSeconds" INTEGER NOT NULL DEFAULT 86400,
    "checkPolicy" "CheckPolicy" NOT NULL DEFAULT 'auto',
    "rowDropWarnPercent" INTEGER NOT NULL DEFAULT 50,
    "assertions" TEXT NOT NULL DEFAULT '[]',
    "alertEmails" TEXT,
    "badgeKey" TEXT NOT NULL,
    "pingKey" TEXT,
    "lastPingAt" TIMESTAMP(3),
    "replicaUrl" TEXT,
    "newestLtxAt" TIMESTAMP(3),
    "listedAt" TIMESTAMP(3),
    "listError" TEXT,
    "retiredName" TEXT,
    "retiredAt" TIMESTAMP(3),
    "storagePrefix" TEXT NOT NULL,
    "status" "FreshnessStatus" NOT NULL DEFAULT 'unknown',
    "statusReasons" TEXT NOT NULL DEFAULT '[]',
    "statusSince" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastHeartbeatAt" TIMESTAMP(3),
    "nextDrillAt" TIMESTAMP(3),
    "drillOverdueAt" TIMESTAMP(3),
    "sweepAt" TIMESTAMP(3),
    "pausedAt" TIMESTAMP(3),
    "pausedUntil" TIMESTAMP(3),
    "pauseReason" TEXT,
    "pausedBefore" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentToken" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "hint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "AgentToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Database" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" "FreshnessStatus" NOT NULL DEFAULT 'unknown',
    "statusReasons" TEXT NOT NULL DEFAULT '[]',
    "sizeBytes" BIGINT NOT NULL DEFAULT 0,
    "walBytes" BIGINT NOT NULL DEFAULT 0,
    "position" TEXT,
    "lastHeartbeatAt" TIMESTAMP(3),
    "exists" BOOLEAN NOT NULL DEFAULT true,
    "errors" TEXT NOT NULL DEFAULT '[]',
    "notes" TEXT NOT NULL DEFAULT '[]',
    "tableCounts" TEXT,
    "tableCountsAt" TIMESTAMP(3),
    "markerEnabled" BOOLEAN NOT NULL DEFAULT false,
    "missedHeartbeats" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Database_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Replica" (
    "id" TEXT NOT NULL,
    "databaseId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "managedBy" "ReplicaManager" NOT NULL DEFAULT 'user',
    "generation" TEXT,
    "position" TEXT,
    "pendingSince" TIMESTAMP(3),
    "lastSnapshotAt" TIMESTAMP(3),
    "lastWalAt" TIMESTAMP(3),
    "storageBytes" BIGINT NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "highTxid" BIGINT,
    "highTxidAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Replica_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Heartbeat" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "agentId" TEXT,
    "sequence" INTEGER,
    "storageBytes" BIGINT NOT NULL DEFAULT 0,
    "payload" TEXT NOT NULL,

    CONSTRAINT "Heartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Drill" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "databaseId" TEXT,
    "databaseName" TEXT,
    "timestamp" TIMESTAMP(3),
    "status" "DrillStatus" NOT NULL DEFAULT 'queued',
    "trigger" "DrillTrigger" NOT NULL DEFAULT 'manual',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "workerId" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "progress" TEXT,
    "report" TEXT,
    "error" TEXT,

    CONSTRAINT "Drill_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Incident" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "databaseId" TEXT,
    "kind" "IncidentKind" NOT NULL,
    "reason" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "clearedAt" TIMESTAMP(3),
    "lastNotifiedAt" TIMESTAMP(3),

    CONSTRAINT "Incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IncidentTransition" (
    "id" SERIAL NOT NULL,
    "incidentId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "event" "TransitionEvent" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IncidentTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" TEXT NOT NULL,
    "projectId" TEXT,
    "type" "ChannelType" NOT NULL,
    "target" TEXT NOT NULL,
    "secretEnc" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL,
    "incidentId" TEXT,
    "channelId" TEXT,
    "event" "DeliveryEvent" NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "target" TEXT,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "log" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StorageCredential" (
    "id" TEXT NOT NULL,
    "projectId" TEXT,
    "endpoint" TEXT,
    "region" TEXT NOT NULL DEFAULT 'us-east-1',
    "bucket" TEXT NOT NULL,
    "accessKeyIdEnc" TEXT NOT NULL,
    "secretKeyEnc" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StorageCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentStorageKey" (
    "projectId" TEXT NOT NULL,
    "accessKeyIdEnc" TEXT NOT NULL,
    "secretKeyEnc" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgentStorageKey_pkey" PRIMARY KEY ("projectId")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "userAgent" TEXT,
    "address" TEXT,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Project_name_key" ON "Project"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Project_badgeKey_key" ON "Project"("badgeKey");

-- CreateIndex
CREATE UNIQUE INDEX "Project_pingKey_key" ON "Project"("pingKey");

-- CreateIndex
CREATE UNIQUE INDEX "Project_storagePrefix_key" ON "Project"("storagePrefix");

-- CreateIndex
CREATE INDEX "Project_nextDrillAt_idx" ON "Project"("nextDrillAt");

-- CreateIndex
CREATE INDEX "Project_drillOverdueAt_idx" ON "Project"("drillOverdueAt");

-- CreateIndex
CREATE INDEX "Project_sweepAt_idx" ON "Project"("sweepAt");

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
CREATE INDEX "IncidentTransition_incidentId_idx" ON "IncidentTransition"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_dedupeKey_key" ON "Delivery"("dedupeKey");

-- CreateIndex
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");

-- AddForeignKey
ALTER TABLE "AgentToken" ADD CONSTRAINT "AgentToken_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Database" ADD CONSTRAINT "Database_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Replica" ADD CONSTRAINT "Replica_databaseId_fkey" FOREIGN KEY ("databaseId") REFERENCES "Database"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Heartbeat" ADD CONSTRAINT "Heartbeat_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Drill" ADD CONSTRAINT "Drill_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Drill" ADD CONSTRAINT "Drill_databaseId_fkey" FOREIGN KEY ("databaseId") REFERENCES "Database"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentTransition" ADD CONSTRAINT "IncidentTransition_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertChannel" ADD CONSTRAINT "AlertChannel_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "AlertChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StorageCredential" ADD CONSTRAINT "StorageCredential_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentStorageKey" ADD CONSTRAINT "AgentStorageKey_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- 20270106000000_heartbeat_bytes: the per-project history budget reads sizes from the index.
CREATE INDEX "Heartbeat_projectId_receivedAt_bytes_idx" ON "Heartbeat"("projectId", "receivedAt", octet_length("payload"));

-- Deadline triggers: a deadline column is cleared whenever one of its inputs changes,
-- whoever writes it (20261231000000_drill_deadlines, 20270102000000_sweep_deadlines,
-- 20270104000000_agentless_listing). As on SQLite, `UPDATE OF col` fires when the
-- column is assigned, changed or not; the cleared columns are in no `OF` list, so
-- the triggers' own updates fire none of them.

-- Project.sweepAt, from the project's own inputs.
CREATE FUNCTION "Project_clear_sweepAt"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."id";
  RETURN NULL;
END $$;

CREATE TRIGGER "Project_sweep_inputs" AFTER UPDATE OF "lastHeartbeatAt", "lastPingAt", "heartbeatGraceSeconds", "staleAfterSeconds" ON "Project"
FOR EACH ROW EXECUTE FUNCTION "Project_clear_sweepAt"();

CREATE TRIGGER "Project_listing_inputs" AFTER UPDATE OF "replicaUrl", "newestLtxAt", "listedAt", "listError" ON "Project"
FOR EACH ROW EXECUTE FUNCTION "Project_clear_sweepAt"();

-- Project.sweepAt, from a row that carries "projectId" (Database, Incident).
CREATE FUNCTION "Owner_clear_sweepAt"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = OLD."projectId";
  ELSE
    UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = NEW."projectId";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Database_sweep_insert" AFTER INSERT ON "Database"
FOR EACH ROW EXECUTE FUNCTION "Owner_clear_sweepAt"();

CREATE TRIGGER "Database_sweep_update" AFTER UPDATE OF "name", "path", "lastHeartbeatAt", "exists", "errors", "missedHeartbeats" ON "Database"
FOR EACH ROW EXECUTE FUNCTION "Owner_clear_sweepAt"();

CREATE TRIGGER "Database_sweep_delete" AFTER DELETE ON "Database"
FOR EACH ROW EXECUTE FUNCTION "Owner_clear_sweepAt"();

CREATE TRIGGER "Incident_sweep_insert" AFTER INSERT ON "Incident"
FOR EACH ROW WHEN (NEW."kind" IN ('silent', 'error', 'stale')) EXECUTE FUNCTION "Owner_clear_sweepAt"();

CREATE TRIGGER "Incident_sweep_update" AFTER UPDATE OF "resolvedAt", "clearedAt", "reason" ON "Incident"
FOR EACH ROW WHEN (NEW."kind" IN ('silent', 'error', 'stale')) EXECUTE FUNCTION "Owner_clear_sweepAt"();

CREATE TRIGGER "Incident_sweep_delete" AFTER DELETE ON "Incident"
FOR EACH ROW WHEN (OLD."kind" IN ('silent', 'error', 'stale')) EXECUTE FUNCTION "Owner_clear_sweepAt"();

-- Project.sweepAt, from a replica (its project through its database).
CREATE FUNCTION "Replica_clear_sweepAt"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = (SELECT "projectId" FROM "Database" WHERE "id" = OLD."databaseId");
  ELSE
    UPDATE "Project" SET "sweepAt" = NULL WHERE "id" = (SELECT "projectId" FROM "Database" WHERE "id" = NEW."databaseId");
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Replica_sweep_insert" AFTER INSERT ON "Replica"
FOR EACH ROW EXECUTE FUNCTION "Replica_clear_sweepAt"();

CREATE TRIGGER "Replica_sweep_update" AFTER UPDATE OF "url", "pendingSince", "lastError", "position", "lastSnapshotAt" ON "Replica"
FOR EACH ROW EXECUTE FUNCTION "Replica_clear_sweepAt"();

CREATE TRIGGER "Replica_sweep_delete" AFTER DELETE ON "Replica"
FOR EACH ROW EXECUTE FUNCTION "Replica_clear_sweepAt"();

-- Project.nextDrillAt and drillOverdueAt, from the schedule.
CREATE FUNCTION "Project_clear_drill_deadlines"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Project" SET "nextDrillAt" = NULL, "drillOverdueAt" = NULL WHERE "id" = NEW."id";
  RETURN NULL;
END $$;

CREATE TRIGGER "Project_drillSchedule_deadlines" AFTER UPDATE OF "drillSchedule" ON "Project"
FOR EACH ROW WHEN (OLD."drillSchedule" IS DISTINCT FROM NEW."drillSchedule") EXECUTE FUNCTION "Project_clear_drill_deadlines"();

-- Project.drillOverdueAt, from its creation time and grace.
CREATE FUNCTION "Project_clear_drillOverdueAt"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Project" SET "drillOverdueAt" = NULL WHERE "id" = NEW."id";
  RETURN NULL;
END $$;

CREATE TRIGGER "Project_overdue_inputs_deadline" AFTER UPDATE OF "createdAt", "drillGraceSeconds" ON "Project"
FOR EACH ROW WHEN (OLD."createdAt" IS DISTINCT FROM NEW."createdAt" OR OLD."drillGraceSeconds" IS DISTINCT FROM NEW."drillGraceSeconds")
EXECUTE FUNCTION "Project_clear_drillOverdueAt"();

-- Project.drillOverdueAt, from a passing drill inserted, changed or deleted.
CREATE FUNCTION "Drill_clear_drillOverdueAt"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE "Project" SET "drillOverdueAt" = NULL WHERE "id" = OLD."projectId";
  ELSE
    UPDATE "Project" SET "drillOverdueAt" = NULL WHERE "id" = NEW."projectId";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Drill_passed_insert_deadline" AFTER INSERT ON "Drill"
FOR EACH ROW WHEN (NEW."status" = 'passed') EXECUTE FUNCTION "Drill_clear_drillOverdueAt"();

CREATE TRIGGER "Drill_passed_update_deadline" AFTER UPDATE OF "status", "finishedAt" ON "Drill"
FOR EACH ROW WHEN (NEW."status" = 'passed' OR OLD."status" = 'passed') EXECUTE FUNCTION "Drill_clear_drillOverdueAt"();

CREATE TRIGGER "Drill_passed_delete_deadline" AFTER DELETE ON "Drill"
FOR EACH ROW WHEN (OLD."status" = 'passed') EXECUTE FUNCTION "Drill_clear_drillOverdueAt"();
