-- The same as the SQLite migration of this name: scoped credentials shared by the cores on one store.
CREATE TABLE "ScopedCredential" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ScopedCredential_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "ScopedCredential_expiresAt_idx" ON "ScopedCredential"("expiresAt");
