-- File replica claims that outlive Replica rows (drills/replica-claims.ts): when the core first saw a project
-- claim a replica directory, with the directory as resolved then. Claim precedence had been read from the ids
-- of a project's current Replica rows, so a project whose rows were made again (a database renamed, or
-- retired and reported again) lost its place to a later claimant, and a path claimed before it existed and
-- later made a symlink into another project's directory counted from its first report.
CREATE TABLE "ReplicaClaim" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "dir" TEXT NOT NULL,
    "firstAt" DATETIME NOT NULL,
    "seenAt" DATETIME NOT NULL,
    "stored" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "ReplicaClaim_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX "ReplicaClaim_dir_idx" ON "ReplicaClaim"("dir");

CREATE INDEX "ReplicaClaim_path_idx" ON "ReplicaClaim"("path");

CREATE UNIQUE INDEX "ReplicaClaim_projectId_path_dir_key" ON "ReplicaClaim"("projectId", "path", "dir");
