-- The same as the SQLite migration of this name: leases for periodic jobs (store/lease.ts): with several core
-- processes on one store, the freshness sweep and the drill schedule's tick run in whichever process holds
-- their lease; another takes over when it runs out.
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,
    "acquiredAt" TIMESTAMP(3) NOT NULL,
    "renewedAt" TIMESTAMP(3) NOT NULL,
    "lastRunAt" TIMESTAMP(3),
    "lastRunBy" TEXT,
    "runs" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);
