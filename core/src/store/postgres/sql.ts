// Every raw SQL statement of the PostgreSQL hot path (agent auth, heartbeat ingest, the list's order),
// in one place, so that test/store/postgres-fast-sql.test.ts checks their tables and columns against
// prisma/schema.prisma and prepares them on a database the PostgreSQL migrations built.
// Batched: a statement carries many rows as arrays ($n::type[] through unnest). Times go in as ISO
// text cast to timestamp(3) (UTC, as Prisma stores DateTime) and come out as UTC Dates (pool.ts).
import { STORED_DRILLABLE_SQL } from "../../drills/stored-subject.ts";

/** agent-auth.ts: the tokens of many hashes at once, and their advisory lastUsedAt. */
export const PG_AUTH_SQL = {
  tokens: `SELECT t.id, t."projectId", t."revokedAt", t."expiresAt", t.hash, p."heartbeatGraceSeconds"
    FROM "AgentToken" t JOIN "Project" p ON p.id = t."projectId" WHERE t.hash = ANY($1::text[])`,
  touchTokens: `UPDATE "AgentToken" t SET "lastUsedAt" = v.at
    FROM unnest($1::text[], $2::timestamp(3)[]) AS v(id, at) WHERE t.id = v.id`,
  rejectTokens: `UPDATE "AgentToken" t SET "rejectedAt" = v.at
    FROM unnest($1::text[], $2::timestamp(3)[]) AS v(id, at) WHERE t.id = v.id`,
} as const;

/** heartbeat-ingest.ts: the rows of a round of heartbeats (each project once), one statement per kind. */
export const PG_INGEST_SQL = {
  // A heartbeat already stored (its agent's sequence) returns no id: a duplicate.
  insertHeartbeats: `INSERT INTO "Heartbeat" (id, "projectId", "receivedAt", "sentAt", "agentId", sequence, "storageBytes", payload)
    SELECT * FROM unnest($1::text[], $2::text[], $3::timestamp(3)[], $4::timestamp(3)[], $5::text[], $6::int[], $7::bigint[], $8::text[])
    ON CONFLICT DO NOTHING RETURNING id`,
  // A heartbeat refused for the database limit after its row was inserted: as if never written.
  deleteHeartbeats: `DELETE FROM "Heartbeat" WHERE id = ANY($1::text[])`,
  databaseNames: `SELECT "projectId", name FROM "Database" WHERE "projectId" = ANY($1::text[])`,
  // Only a report measured after the stored one replaces it; a row not returned is an older, queued heartbeat's.
  upsertDatabases: `INSERT INTO "Database" AS d (id, "projectId", name, path, "sizeBytes", "walBytes", position, "lastHeartbeatAt", "exists", errors, notes, "tableCounts", "tableCountsAt", "markerEnabled")
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::timestamp(3)[], $9::boolean[], $10::text[], $11::text[], $12::text[], $13::timestamp(3)[], $14::boolean[])
    ON CONFLICT ("projectId", name) DO UPDATE SET
      path = excluded.path, "sizeBytes" = excluded."sizeBytes", "walBytes" = excluded."walBytes", position = excluded.position,
      "lastHeartbeatAt" = excluded."lastHeartbeatAt", "exists" = excluded."exists", errors = excluded.errors, notes = excluded.notes,
      "tableCounts" = COALESCE(excluded."tableCounts", d."tableCounts"),
      "tableCountsAt" = COALESCE(excluded."tableCountsAt", d."tableCountsAt"),
      "markerEnabled" = excluded."markerEnabled", "missedHeartbeats" = 0
    WHERE d."lastHeartbeatAt" IS NULL OR d."lastHeartbeatAt" <= excluded."lastHeartbeatAt"
    RETURNING id, "projectId", name`,
  // The replicas of the projects' databases, by project: sent with the database upsert, before its ids are known.
  projectReplicas: `SELECT r.id, r."databaseId", r.url, r."highTxid", r."highTxidAt" FROM "Replica" r
    JOIN "Database" d ON d.id = r."databaseId" WHERE d."projectId" = ANY($1::text[])`,
  // highTxid, highTxidAt: computed from the stored row by store/replica-high-mark.ts.
  upsertReplicas: `INSERT INTO "Replica" (id, "databaseId", type, url, generation, position, "pendingSince", "lastSnapshotAt", "lastWalAt", "storageBytes", "lastError", "highTxid", "highTxidAt", "updatedAt")
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamp(3)[], $8::timestamp(3)[], $9::timestamp(3)[], $10::bigint[], $11::text[], $12::bigint[], $13::timestamp(3)[], $14::timestamp(3)[])
    ON CONFLICT ("databaseId", url) DO UPDATE SET
      type = excluded.type, generation = excluded.generation, position = excluded.position, "pendingSince" = excluded."pendingSince",
      "lastSnapshotAt" = excluded."lastSnapshotAt", "lastWalAt" = excluded."lastWalAt", "storageBytes" = excluded."storageBytes",
      "lastError" = excluded."lastError", "highTxid" = excluded."highTxid", "highTxidAt" = excluded."highTxidAt", "updatedAt" = excluded."updatedAt"`,
  deleteReplicas: `DELETE FROM "Replica" WHERE id = ANY($1::text[])`,
  // Reported file replicas' places (drills/replica-claim-records.ts): new ones with their first time, known ones
  // seen again; `made` tells a new row (only a row just inserted has its first time as its last seen).
  upsertClaims: `INSERT INTO "ReplicaClaim" (id, "projectId", path, dir, "firstAt", "seenAt")
    SELECT v.id, v.pid, v.path, v.dir, v.at, v.at FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp(3)[]) AS v(id, pid, path, dir, at)
    ON CONFLICT ("projectId", path, dir) DO UPDATE SET "seenAt" = GREATEST("ReplicaClaim"."seenAt", excluded."seenAt")
    RETURNING "projectId", "firstAt" = "seenAt" AS made`,
  // Only heartbeats measured after the database's own last report count as leaving it out. names: a JSON array of text.
  missDatabases: `UPDATE "Database" d SET "missedHeartbeats" = d."missedHeartbeats" + 1
    FROM unnest($1::text[], $2::timestamp(3)[], $3::jsonb[]) AS v(pid, at, names)
    WHERE d."projectId" = v.pid AND (d."lastHeartbeatAt" IS NULL OR d."lastHeartbeatAt" < v.at) AND NOT (v.names ? d.name)`,
  // Clears the sweep deadline in the same write (as SQLite's touchProject): the deadline triggers then skip the row.
  touchProjects: `UPDATE "Project" p SET "lastHeartbeatAt" = v.at, "sweepAt" = NULL
    FROM unnest($1::text[], $2::timestamp(3)[]) AS v(id, at)
    WHERE p.id = v.id AND (p."lastHeartbeatAt" IS NULL OR p."lastHeartbeatAt" < v.at)`,
} as const;

const DRILL_KINDS = `('drill_failed', 'drill_overdue')`;

/** Buckets of project ids the order's facts are kept in (order-reads.ts): hashtext(projectId) & (ORDER_BUCKETS - 1). */
export const ORDER_BUCKETS = 256;
const bucketOf = (column: string) => `(hashtext(${column}) & ${ORDER_BUCKETS - 1})`;

/**
 * The order's three fact reads (projects, each drilled database's or stored replica's newest finished drill,
 * open drill incidents); `byBucket`: only the projects whose bucket is in $1, each row with its `bucket`.
 */
function orderFactsSql(byBucket: boolean) {
  const bucket = (column: string) => (byBucket ? `, ${bucketOf(column)} AS bucket` : "");
  const inBuckets = (column: string) => (byBucket ? ` AND ${bucketOf(column)} = ANY($1::int[])` : "");
  return {
    projects: `SELECT id, name, status::text AS status${bucket("id")} FROM "Project"${byBucket ? ` WHERE ${bucketOf("id")} = ANY($1::int[])` : ""}`,
    lastDrills: `SELECT d."projectId" AS "projectId", l.status::text AS status${bucket('d."projectId"')} FROM "Database" d JOIN (
      SELECT "databaseId", status, ROW_NUMBER() OVER (PARTITION BY "databaseId" ORDER BY "finishedAt" DESC) AS rn FROM "Drill"
      WHERE status IN ('passed', 'failed', 'error') AND "databaseId" IS NOT NULL${inBuckets('"projectId"')}
    ) l ON l."databaseId" = d.id AND l.rn = 1
    UNION ALL
    SELECT p.id AS "projectId", s.status::text AS status${bucket("p.id")} FROM "Project" p JOIN (
      SELECT "projectId", status, ROW_NUMBER() OVER (PARTITION BY "projectId" ORDER BY "finishedAt" DESC) AS rn FROM "Drill"
      WHERE status IN ('passed', 'failed', 'error') AND "databaseId" IS NULL${inBuckets('"projectId"')}
    ) s ON s."projectId" = p.id AND s.rn = 1 WHERE ${STORED_DRILLABLE_SQL}`,
    openDrillIncidents: `SELECT "projectId", kind::text AS kind${bucket('"projectId"')} FROM "Incident" WHERE "resolvedAt" IS NULL AND kind IN ${DRILL_KINDS}${inBuckets('"projectId"')}`,
  };
}

/**
 * order-reads.ts: the same reads as store/order-reads.ts ORDER_SQL. PostgreSQL has no rowid: the stamp
 * sums 64-bit hashes of each project's and database's contents, and weighs a finished drill's status by
 * hashtext(id) where SQLite weighs it by rowid.
 */
export const PG_ORDER_SQL = {
  // Projects and databases as a count and a sum of 64-bit hashes (exact numeric sums, no sort, no text the size
  // of the fleet: 16 ms at 2,000 projects with string_agg ... ORDER BY), all under md5: 32 bytes a poll.
  stamp: `SELECT md5(
    (SELECT count(*) || ':' || coalesce(sum(hashtextextended(p.id || ' ' || p.status || ' ' || ${STORED_DRILLABLE_SQL}::int || ' ' || p.name, 0)), 0) FROM "Project" p)
    || '|' || (SELECT count(*) || ':' || coalesce(sum(hashtextextended(id, 0)), 0) FROM "Database")
    || '|' || (SELECT count(*) || ':' || coalesce(max(id), '') || ':' || coalesce(max("finishedAt")::text, '') || ':'
         || coalesce(sum(hashtext(id)::bigint * CASE status WHEN 'passed' THEN 1 WHEN 'failed' THEN 2 ELSE 3 END), 0) || ':' || count(*) FILTER (WHERE "databaseId" IS NULL)
         FROM "Drill" WHERE status IN ('passed', 'failed', 'error'))
    || '|' || (SELECT count(*) || ':' || coalesce(string_agg(id || kind, ',' ORDER BY id), '') FROM "Incident" WHERE "resolvedAt" IS NULL AND kind IN ${DRILL_KINDS})
    ) AS stamp`,
  ...orderFactsSql(false),
} as const;

/**
 * order-reads.ts: the facts of PG_ORDER_SQL by bucket. `stamps`: per bucket holding anything, a fingerprint of
 * everything the order reads of its projects (each part a count and a sum of 64-bit row hashes, as the stamp
 * above); the others: PG_ORDER_SQL's reads restricted to the buckets in $1, each row with its bucket.
 */
export const PG_ORDER_BUCKET_SQL = {
  // The four parts as rows tagged p, d, r, i, joined per bucket in that order: a FULL JOIN of the four made
  // the planner expect billions of rows and JIT-compile the query (454 of its 594 ms at 100,000 projects).
  stamps: `SELECT b AS bucket, string_agg(part, '|' ORDER BY part) AS stamp FROM (
      SELECT ${bucketOf("p.id")} AS b, 'p' || count(*) || ':' || sum(hashtextextended(p.id || ' ' || p.status || ' ' || ${STORED_DRILLABLE_SQL}::int || ' ' || p.name, 0)) AS part
        FROM "Project" p GROUP BY 1
      UNION ALL SELECT ${bucketOf('"projectId"')}, 'd' || count(*) || ':' || sum(hashtextextended(id, 0)) FROM "Database" GROUP BY 1
      UNION ALL SELECT ${bucketOf('"projectId"')},
          'r' || count(*) || ':' || sum(hashtextextended(id || ' ' || status || ' ' || coalesce("databaseId", '') || ' ' || coalesce("finishedAt"::text, ''), 0))
        FROM "Drill" WHERE status IN ('passed', 'failed', 'error') GROUP BY 1
      UNION ALL SELECT ${bucketOf('"projectId"')}, 'i' || count(*) || ':' || sum(hashtextextended(id || ' ' || kind, 0))
        FROM "Incident" WHERE "resolvedAt" IS NULL AND kind IN ${DRILL_KINDS} GROUP BY 1
    ) AS parts(b, part) GROUP BY b`,
  ...orderFactsSql(true),
} as const;
