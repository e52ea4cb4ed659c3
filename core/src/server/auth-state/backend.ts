// Which backend holds the failure windows (pure): whatever several core processes share.
// Redis when BORELA_REDIS_URL is set (every core of one set-up points at the same Redis); else the store
// when it is PostgreSQL (the only store several cores share); else memory: a SQLite store has one core.

export type AuthStateBackend = { kind: "redis"; url: string } | { kind: "postgres"; url: string } | { kind: "memory" };

/** `redisUrl`: BORELA_REDIS_URL or null; `postgresUrl`: the store's URL when it is PostgreSQL, else null. */
export function authStateBackend(input: { redisUrl: string | null; postgresUrl: string | null }): AuthStateBackend {
  if (input.redisUrl) return { kind: "redis", url: input.redisUrl };
  if (input.postgresUrl) return { kind: "postgres", url: input.postgresUrl };
  return { kind: "memory" };
}
