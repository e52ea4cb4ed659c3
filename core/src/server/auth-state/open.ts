// Opens the failure windows for the backend authStateBackend() picked (the shell around backend.ts).
//
//   openAuthWindows(backend, log): FailureWindows     close() ends its connection (Redis) or pool (PostgreSQL)
// Never throws: a backend that cannot be reached yet is retried on each use, memory answering meanwhile.
import pg from "pg";
import type { AuthStateBackend } from "./backend.ts";
import { withFallback, type FallbackLog } from "./fallback.ts";
import { postgresWindows } from "./postgres-windows.ts";
import { redisWindows } from "./redis-windows.ts";
import { memoryWindows, type FailureWindows } from "./windows.ts";

export function openAuthWindows(backend: AuthStateBackend, log: FallbackLog): FailureWindows {
  if (backend.kind === "memory") return memoryWindows();
  if (backend.kind === "redis") return withFallback(redisWindows(backend.url), "Redis", log);
  const pool = new pg.Pool({ connectionString: backend.url, max: 2, connectionTimeoutMillis: 1_000, idleTimeoutMillis: 30_000 });
  pool.on("error", () => undefined);
  const windows = withFallback(postgresWindows(pool), "PostgreSQL", log);
  return { ...windows, close: () => pool.end() };
}
