// Which SQL a store speaks, for the few raw statements that cannot be written once for both stores.
// Portable first: double-quoted names ("Project"."projectId": PostgreSQL folds unquoted names to lower
// case, SQLite accepts the quotes), CAST(… AS BIGINT), window functions, ON CONFLICT. Where the stores
// differ (json_each, INDEXED BY, json_extract), a site keeps both statements side by side.
//
//   dialectOf(store): "sqlite" | "postgresql"     the provider the client was generated for (throws on another)
//   numbered(sql): string                         `?` placeholders → $1, $2, … in order (PostgreSQL)
//   forDialect(dialect, sql): string              the statement as written for SQLite, numbered for PostgreSQL
//   jsonTextValues(dialect, alias): string        a FROM item: the text values of one JSON array parameter,
//                                                 column `value` ("[\"a\",\"b\"]" → rows a, b)

export type Dialect = "sqlite" | "postgresql";

/**
 * The dialect of a Prisma client of either store (store/db.ts, store/postgres-db.ts), or of an interactive
 * transaction's client (it forwards to its client). Read from the provider Prisma generated the client for,
 * so a client needs no registration wherever it was opened.
 * Errors: a client of another provider (no raw SQL here is written for it).
 */
export function dialectOf(store: object): Dialect {
  const provider = (store as { _activeProvider?: unknown })._activeProvider;
  if (provider === "sqlite" || provider === "postgresql") return provider;
  throw new Error(`store: Prisma provider ${JSON.stringify(provider)} is neither sqlite nor postgresql`);
}

/**
 * SQLite's positional `?` (bound in order; Prisma's SQLite adapter takes no numbered parameters) as
 * PostgreSQL's $1, $2, … in the same order. A `?` inside a single-quoted literal is left alone.
 */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|\?/g, (m) => (m === "?" ? `$${++n}` : m));
}

/** A statement written with `?` placeholders, as the store of `dialect` binds them. */
export function forDialect(dialect: Dialect, sql: string): string {
  return dialect === "sqlite" ? sql : numbered(sql);
}

/**
 * A FROM item named `alias` with one text column `value`: the elements of a JSON array of strings bound as
 * one `?` parameter (JSON.stringify(ids)), so a statement's text does not grow with the list (SQLite's bound
 * parameter limit; one prepared plan on PostgreSQL).
 */
export function jsonTextValues(dialect: Dialect, alias: string): string {
  return dialect === "sqlite" ? `json_each(?) AS ${alias}` : `jsonb_array_elements_text(?::jsonb) AS ${alias}(value)`;
}
