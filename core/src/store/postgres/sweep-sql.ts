// Every raw SQL statement of the freshness sweep on PostgreSQL (postgres/sweep-*.ts), the counterparts
// of store/fast-sql.ts SWEEP_SQL and SWEEP_WRITE_SQL, incidents/sweep-sql.ts and store/sweep-mark.ts.
// test/store/postgres-sweep-sql.test.ts checks their names against prisma/schema.prisma and prepares
// them on a database the PostgreSQL migrations built. Writes carry many rows as arrays (unnest), so a
// batch of projects costs one statement per kind. Every parameter is cast: PREPARE infers no types.
// Names and URLs sort COLLATE "C" (bytes), as SQLite's BINARY does, whatever the cluster's locale.

/** postgres/sweep-reads.ts. */
export const PG_SWEEP_READ_SQL = {
  // Cleared deadlines first, as SQLite sorts NULL; both arms are ranges of Project_sweepAt_idx.
  due: `SELECT id FROM "Project" WHERE "sweepAt" IS NULL OR "sweepAt" <= $1::timestamp(3) ORDER BY "sweepAt" NULLS FIRST`,
  rejectedSince: `SELECT DISTINCT "projectId" FROM "AgentToken" WHERE "rejectedAt" > $1::timestamp(3)`,
  // A batch's projects locked in one order, so two cores sweeping the same projects wait instead of deadlocking
  // and neither plans from incidents the other is about to change. Its own statement: the read after it gets a
  // snapshot taken once the locks are held.
  lock: `SELECT id FROM "Project" WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
  // Each project's whole SweepInput as one JSON value, in one round trip for many projects. Times come out
  // as JSON text without a zone (timestamp(3) holds UTC), read by sweep-reads.ts.
  inputs: `SELECT json_build_object(
      'id', p.id, 'status', p.status, 'statusReasons', p."statusReasons", 'staleAfterSeconds', p."staleAfterSeconds",
      'heartbeatGraceSeconds', p."heartbeatGraceSeconds", 'lastHeartbeatAt', p."lastHeartbeatAt", 'lastPingAt', p."lastPingAt",
      'replicaUrl', p."replicaUrl", 'newestLtxAt', p."newestLtxAt", 'listedAt', p."listedAt", 'listError', p."listError",
      'retiredName', p."retiredName", 'retiredAt', p."retiredAt",
      'databases', (SELECT coalesce(json_agg(json_build_object(
          'id', d.id, 'name', d.name, 'path', d.path, 'status', d.status, 'statusReasons', d."statusReasons",
          'lastHeartbeatAt', d."lastHeartbeatAt", 'exists', d."exists", 'errors', d.errors, 'missedHeartbeats', d."missedHeartbeats",
          'position', d.position,
          'replicas', (SELECT coalesce(json_agg(json_build_object(
              'url', r.url, 'pendingSince', r."pendingSince", 'lastError', r."lastError", 'position', r.position, 'lastSnapshotAt', r."lastSnapshotAt"
            ) ORDER BY r.url COLLATE "C"), '[]'::json) FROM "Replica" r WHERE r."databaseId" = d.id)
        ) ORDER BY d.name COLLATE "C"), '[]'::json) FROM "Database" d WHERE d."projectId" = p.id),
      'openIncidents', (SELECT coalesce(json_agg(json_build_object(
          'id', i.id, 'databaseId', i."databaseId", 'kind', i.kind, 'reason', i.reason, 'clearedAt', i."clearedAt"
        ) ORDER BY i."openedAt", i.id), '[]'::json)
        FROM "Incident" i WHERE i."projectId" = p.id AND i."resolvedAt" IS NULL AND i.kind IN ('silent', 'error', 'stale')),
      'rejectedToken', (SELECT json_build_object('at', t."rejectedAt", 'reason', CASE WHEN t."revokedAt" IS NULL THEN 'expired' ELSE 'revoked' END)
        FROM "AgentToken" t WHERE t."projectId" = p.id AND t."rejectedAt" IS NOT NULL ORDER BY t."rejectedAt" DESC LIMIT 1)
    ) AS input
    FROM "Project" p WHERE p.id = ANY($1::text[])`,
} as const;

/** postgres/sweep-writes.ts: each statement updates many rows (one per array element). */
export const PG_SWEEP_WRITE_SQL = {
  projectStatus: `UPDATE "Project" p SET status = v.status::"FreshnessStatus", "statusReasons" = v.reasons,
      "statusSince" = COALESCE(v.since, p."statusSince"), "updatedAt" = v.now
    FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp(3)[], $5::timestamp(3)[]) AS v(id, status, reasons, since, now)
    WHERE p.id = v.id`,
  databaseStatus: `UPDATE "Database" d SET status = v.status::"FreshnessStatus", "statusReasons" = v.reasons
    FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, status, reasons) WHERE d.id = v.id`,
  deadline: `UPDATE "Project" p SET "sweepAt" = v.at FROM unnest($1::text[], $2::timestamp(3)[]) AS v(id, at) WHERE p.id = v.id`,
} as const;

/** postgres/sweep-mark.ts: the Setting row of store/sweep-mark.ts (same key, same storeTime text). */
export const PG_SWEEP_MARK_SQL = {
  // A peer's later mark is never moved back by a slower one; storeTime text compares as bytes.
  record: `INSERT INTO "Setting" (key, value) VALUES ($1::text, $2::text) ON CONFLICT (key) DO UPDATE SET value = excluded.value
    WHERE excluded.value COLLATE "C" > "Setting".value COLLATE "C"`,
  latest: `SELECT value FROM "Setting" WHERE key = $1::text`,
} as const;
