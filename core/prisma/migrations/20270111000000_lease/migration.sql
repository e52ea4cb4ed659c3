-- Leases for periodic jobs (store/lease.ts): with several core processes on one store, the freshness sweep and
-- the drill schedule's tick run in whichever process holds their lease; another takes over when it runs out.
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "until" DATETIME NOT NULL,
    "acquiredAt" DATETIME NOT NULL,
    "renewedAt" DATETIME NOT NULL,
    "lastRunAt" DATETIME,
    "lastRunBy" TEXT,
    "runs" INTEGER NOT NULL DEFAULT 0
);
