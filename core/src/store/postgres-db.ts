// Opens the PostgreSQL store: migrations applied (store/postgres-migrate.ts), then a Prisma client
// over @prisma/adapter-pg, generated from prisma/postgresql/schema.prisma (the same models and enums
// as the SQLite store's). Selected by BORELA_DATABASE_URL through store/open.ts.
//
//   openPostgresStore(url): Promise<PostgresStore>     url: postgresql://user[:password]@host:port/database[?connection_limit=N]
//     Prisma's pool opens at most connection_limit connections (postgres/connection-limit.ts; the hot path's pool too)
//   asStore(pg): Store                                  the same client, typed as the core's Store
// Errors: the migration's or the connection's, naming what failed (never the URL: it may hold a password).
//
// Which type code takes: the core is typed against `Store` (store/db.ts, the SQLite client), and code that
// must run on both stores keeps taking `Store`; a PostgreSQL client goes in through asStore. The cast is safe
// because both clients are generated from one schema (prisma-pg from schema.prisma, store/postgres-schema.ts):
// the same model delegates, arguments and results, checked below at compile time. The one difference is
// $transaction's isolationLevel option (SQLite's client allows only "Serializable", PostgreSQL's a superset),
// so a call written for Store is valid on PostgreSQL. Raw SQL is the caller's: it asks store/dialect.ts
// dialectOf(store) where the two stores need different statements. Errors are one class for both
// (Prisma.PrismaClientKnownRequestError is @prisma/client/runtime's in either generated client).
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PG_APPLICATION_NAME, PG_QUERY_TIMEOUT_MS } from "./postgres/pool.ts";
import { PrismaClient, type Prisma as PgPrisma } from "../generated/prisma-pg/client.ts";
import { Prisma as SqlitePrisma } from "../generated/prisma/client.ts";
import { migratePostgres } from "./postgres-migrate.ts";
import { connectionLimit } from "./postgres/connection-limit.ts";
import type { Store } from "./db.ts";

export type PostgresStore = PrismaClient;

// Fails to compile when the clients' members, models or any model's columns differ (the generated clients'
// deep generic method types cannot be compared as a whole: TypeScript relates them member by member and gives up).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Columns<M extends SqlitePrisma.ModelName, Map extends { model: Record<M, { payload: { scalars: unknown } }> }> = Map["model"][M]["payload"]["scalars"];
const sameShape: {
  members: Same<keyof PostgresStore, keyof Store>;
  models: Same<PgPrisma.ModelName, SqlitePrisma.ModelName>;
  columns: { [M in SqlitePrisma.ModelName]: Same<Columns<M, PgPrisma.TypeMap>, Columns<M, SqlitePrisma.TypeMap>> };
} = {
  members: true,
  models: true,
  columns: Object.fromEntries(Object.values(SqlitePrisma.ModelName).map((m) => [m, true])) as { [M in SqlitePrisma.ModelName]: true },
};
void sameShape;

export async function openPostgresStore(databaseUrl: string): Promise<PostgresStore> {
  const { url, limit } = connectionLimit(databaseUrl);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: PG_APPLICATION_NAME });
  try {
    await client.connect();
    await migratePostgres(client);
  } finally {
    await client.end().catch(() => {});
  }
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: limit, connectionTimeoutMillis: 10_000, query_timeout: PG_QUERY_TIMEOUT_MS, application_name: PG_APPLICATION_NAME }) });
}

/** The PostgreSQL client as the `Store` the core's code takes (the cast is safe: see the head of this file). */
export function asStore(store: PostgresStore): Store {
  return store as unknown as Store;
}
