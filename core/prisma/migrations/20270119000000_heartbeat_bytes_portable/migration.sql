-- The payload-size index of 20270106000000_heartbeat_bytes named octet_length(), which SQLite has only
-- since 3.43 (2023). The sqlite3 an operator has at hand is often older (Debian 12's is 3.40): it
-- refused PRAGMA integrity_check, VACUUM and any write to Heartbeat on borela.db ("unknown function:
-- octet_length()"). length(CAST(payload AS BLOB)) is the same figure, UTF-8 bytes, in every version.
DROP INDEX "Heartbeat_projectId_receivedAt_bytes_idx";
CREATE INDEX "Heartbeat_projectId_receivedAt_bytes_idx" ON "Heartbeat"("projectId", "receivedAt", length(CAST("payload" AS BLOB)));
