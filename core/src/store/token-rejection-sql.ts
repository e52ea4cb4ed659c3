// The SQLite statements of AgentToken.rejectedAt: an agent came with the token once revoked or expired.
// agent-auth.ts writes it (at most once per token and REJECTION_EVERY_MS, token-memory.ts); sweep-reads.ts
// reads it, so whichever core the agent reached, the silence is worded alike. PostgreSQL's counterparts:
// postgres/sql.ts PG_AUTH_SQL.rejectTokens, postgres/sweep-sql.ts (rejectedSince, inputs' rejectedToken).
export const TOKEN_REJECTION_SQL = {
  reject: `UPDATE AgentToken SET rejectedAt = ? WHERE id = ?`,
  // The project's latest rejected token (token-memory.ts TokenRejection): revoked when revokedAt is set.
  rejection: `SELECT rejectedAt AS at, CASE WHEN revokedAt IS NULL THEN 'expired' ELSE 'revoked' END AS reason
    FROM AgentToken WHERE projectId = ? AND rejectedAt IS NOT NULL ORDER BY rejectedAt DESC LIMIT 1`,
  // A search of AgentToken_rejectedAt_idx; with DISTINCT, SQLite scanned every token by the projectId index
  // instead (to get projectId in order), on every sweep. A project may come more than once.
  rejectedSince: `SELECT projectId FROM AgentToken WHERE rejectedAt > ?`,
} as const;
