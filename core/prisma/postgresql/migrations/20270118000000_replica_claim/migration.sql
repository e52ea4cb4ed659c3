-- The same as the SQLite migration of this name: file replica claims that outlive Replica rows
-- (drills/replica-claims.ts), with the directory as resolved when the core first saw the claim.
CREATE TABLE "ReplicaClaim" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "dir" TEXT NOT NULL,
    "firstAt" TIMESTAMP(3) NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL,
    "stored" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ReplicaClaim_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ReplicaClaim_dir_idx" ON "ReplicaClaim"("dir");

CREATE INDEX "ReplicaClaim_path_idx" ON "ReplicaClaim"("path");

CREATE UNIQUE INDEX "ReplicaClaim_projectId_path_dir_key" ON "ReplicaClaim"("projectId", "path", "dir");

ALTER TABLE "ReplicaClaim" ADD CONSTRAINT "ReplicaClaim_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
