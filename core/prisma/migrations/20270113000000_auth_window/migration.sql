-- Failure windows shared by core processes (server/auth-state/postgres-windows.ts). A SQLite store has one
-- core, which keeps its windows in memory: the table exists so both stores carry the same model.
CREATE TABLE "AuthWindow" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "count" INTEGER NOT NULL,
    "until" DATETIME NOT NULL
);
