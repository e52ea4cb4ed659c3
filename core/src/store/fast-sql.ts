// Every raw SQL statement of the heartbeat hot path, in one place, so that
// test/store/fast-sql-schema.test.ts can check their tables and columns
// against prisma/schema.prisma. Times are stored as storeTime() text (time.ts).
import type Sqlite from "better-sqlite3";

/** agent-auth.ts: an agent token by its SHA-256 hash, and its advisory lastUsedAt. */
export const AUTH_SQL = {
  // The project's heartbeat grace rides along: the heartbeat answer tells the agent (agent/core-watch.ts).
  token: `SELECT t.id, t.projectId, t.revokedAt, t.expiresAt, p.heartbeatGraceSeconds FROM AgentToken t JOIN Project p ON p.id = t.projectId WHERE t.hash = ?`,
  touchToken: `UPDATE AgentToken SET lastUsedAt = ? WHERE id = ?`,
} as const;

/** heartbeat-ingest.ts: one heartbeat's rows, written in one transaction. */
export const INGEST_SQL = {
  insertHeartbeat: `INSERT OR IGNORE INTO Heartbeat (id, projectId, receivedAt, sentAt, agentId, sequence, storageBytes, payload)
    VALUES (@id, @projectId, @receivedAt, @sentAt, @agentId, @sequence, @storageBytes, @payload)`,
  // A new database or replica is inserted; a stored one is updated by id (the ingest read its row first, in the
  // same transaction): an upsert first tried the insert, a lookup of the new id and of the unique key each time.
  insertDatabase: `INSERT INTO Database (id, projectId, name, path, sizeBytes, walBytes, position, lastHeartbeatAt, "exists", errors, notes, tableCounts, tableCountsAt, markerEnabled)
    VALUES (@id, @projectId, @name, @path, @sizeBytes, @walBytes, @position, @at, @exists, @errors, @notes, @tableCounts, @tableCountsAt, @markerEnabled)`,
  updateDatabase: `UPDATE Database SET path = @path, sizeBytes = @sizeBytes, walBytes = @walBytes, position = @position,
      lastHeartbeatAt = @at, "exists" = @exists, errors = @errors, notes = @notes,
      tableCounts = COALESCE(@tableCounts, tableCounts), tableCountsAt = COALESCE(@tableCountsAt, tableCountsAt),
      markerEnabled = @markerEnabled, missedHeartbeats = 0
    WHERE id = @id`,
  // highTxid, highTxidAt: computed from replicas' row by store/replica-high-mark.ts.
  insertReplica: `INSERT INTO Replica (id, databaseId, type, url, generation, position, pendingSince, lastSnapshotAt, lastWalAt, storageBytes, lastError, highTxid, highTxidAt, updatedAt)
    VALUES (@id, @databaseId, @type, @url, @generation, @position, @pendingSince, @lastSnapshotAt, @lastWalAt, @storageBytes, @lastError, @highTxid, @highTxidAt, @at)`,
  // A reported file replica's place (drills/replica-claim-records.ts): a new one with its first time, a known one
  // seen again. Returns firstAt when written: a row whose firstAt is this heartbeat's time is new.
  upsertClaim: `INSERT INTO ReplicaClaim (id, projectId, path, dir, firstAt, seenAt) VALUES (@id, @projectId, @path, @dir, @at, @at)
    ON CONFLICT (projectId, path, dir) DO UPDATE SET seenAt = excluded.seenAt WHERE excluded.seenAt > ReplicaClaim.seenAt
    RETURNING firstAt`,
  updateReplica: `UPDATE Replica SET type = @type, generation = @generation, position = @position, pendingSince = @pendingSince,
      lastSnapshotAt = @lastSnapshotAt, lastWalAt = @lastWalAt, storageBytes = @storageBytes,
      lastError = @lastError, highTxid = @highTxid, highTxidAt = @highTxidAt, updatedAt = @at
    WHERE id = @id`,
  // The project's databases: the names decide the limit and the miss (reported-databases.ts), the id and
  // lastHeartbeatAt which row a report updates (only one measured at or after the stored one replaces it).
  databases: `SELECT id, name, lastHeartbeatAt FROM Database WHERE projectId = ?`,
  // Only heartbeats measured after the database's own last report count as leaving it out.
  missDatabases: `UPDATE Database SET missedHeartbeats = missedHeartbeats + 1
    WHERE projectId = @projectId AND (lastHeartbeatAt IS NULL OR lastHeartbeatAt < @at)
      AND name NOT IN (SELECT value FROM json_each(@names))`,
  replicas: `SELECT id, url, highTxid, highTxidAt FROM Replica WHERE databaseId = ?`,
  deleteReplica: `DELETE FROM Replica WHERE id = ?`,
  // Clears the sweep deadline itself (as the Project_sweep_inputs trigger would) and runs before the database
  // and replica writes, so their triggers find it cleared and the Project row is written once per heartbeat.
  touchProject: `UPDATE Project SET lastHeartbeatAt = @at, sweepAt = NULL WHERE id = @projectId AND (lastHeartbeatAt IS NULL OR lastHeartbeatAt < @at)`,
} as const;

/** sweep-reads.ts: what the freshness sweeper evaluates for one project. */
export const SWEEP_SQL = {
  project: `SELECT id, status, statusReasons, staleAfterSeconds, heartbeatGraceSeconds, lastHeartbeatAt, lastPingAt,
    replicaUrl, newestLtxAt, listedAt, listError, retiredName, retiredAt FROM Project WHERE id = ?`,
  databases: `SELECT id, name, path, status, statusReasons, lastHeartbeatAt, "exists", errors, missedHeartbeats, position FROM Database WHERE projectId = ? ORDER BY name`,
  replicas: `SELECT r.databaseId, r.url, r.pendingSince, r.lastError, r.position, r.lastSnapshotAt
    FROM Replica r JOIN Database d ON d.id = r.databaseId WHERE d.projectId = ? ORDER BY r.url`,
  openIncidents: `SELECT id, databaseId, kind, reason, clearedAt FROM Incident
    WHERE projectId = ? AND resolvedAt IS NULL AND kind IN ('silent', 'error', 'stale') ORDER BY openedAt`,
  // Projects whose deadline passed or was cleared (freshness/deadline.ts), by index.
  due: `SELECT id FROM Project WHERE sweepAt IS NULL OR sweepAt <= ? ORDER BY sweepAt`,
} as const;

/** sweep-writes.ts: what a sweep stores besides incidents (those: incidents/sweep-sql.ts). */
export const SWEEP_WRITE_SQL = {
  projectStatus: `UPDATE Project SET status = @status, statusReasons = @reasons, statusSince = COALESCE(@since, statusSince), updatedAt = @now WHERE id = @id`,
  databaseStatus: `UPDATE Database SET status = @status, statusReasons = @reasons WHERE id = @id`,
  deadline: `UPDATE Project SET sweepAt = @at WHERE id = @id`,
} as const;

/** Prepares each statement of a group once; a column the schema lacks fails here, at start. */
export function prepareAll<K extends string>(db: Sqlite.Database, sql: Readonly<Record<K, string>>): Record<K, Sqlite.Statement> {
  const out = {} as Record<K, Sqlite.Statement>;
  for (const key of Object.keys(sql) as K[]) out[key] = db.prepare(sql[key]);
  return out;
}
