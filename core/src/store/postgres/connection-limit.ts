// How many connections each of a core process's PostgreSQL pools may open (Prisma's, postgres-db.ts, and
// the hot path's pg pool, postgres/fast-path.ts): BORELA_DATABASE_URL's connection_limit parameter, Prisma's
// documented name for it, read once for both. Driver adapters ignore it themselves, and pg would send an
// unknown URL parameter to the server, so it is taken out of the URL both pools connect with.

/** Each pool's size when the URL names none: a core holds at most 2 × 5 (+ 2 for shared login windows). */
export const DEFAULT_CONNECTION_LIMIT = 5;
const MAX_CONNECTION_LIMIT = 1_000;

/**
 * `url`: postgresql://…[?connection_limit=N]. Returns the URL to connect with (connection_limit removed,
 * otherwise unchanged) and each pool's limit (N, or DEFAULT_CONNECTION_LIMIT). Pure.
 * Throws naming connection_limit (never the URL: it may hold a password) when N is not a whole number 1…1000.
 */
export function connectionLimit(url: string): { url: string; limit: number } {
  const query = url.indexOf("?");
  if (query < 0) return { url, limit: DEFAULT_CONNECTION_LIMIT };
  const params = new URLSearchParams(url.slice(query + 1));
  const raw = params.get("connection_limit");
  if (raw === null) return { url, limit: DEFAULT_CONNECTION_LIMIT };
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_CONNECTION_LIMIT) {
    throw new Error(`BORELA_DATABASE_URL connection_limit: ${JSON.stringify(raw.slice(0, 20))} is not a whole number from 1 to ${MAX_CONNECTION_LIMIT}`);
  }
  params.delete("connection_limit");
  const rest = params.toString();
  return { url: url.slice(0, query) + (rest ? `?${rest}` : ""), limit };
}
