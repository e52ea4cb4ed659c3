-- The same as the SQLite migration of this name: failure windows shared by core processes
-- (server/auth-state/postgres-windows.ts): failed authentications per address, password pressure, cooling.
CREATE TABLE "AuthWindow" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthWindow_pkey" PRIMARY KEY ("key")
);
