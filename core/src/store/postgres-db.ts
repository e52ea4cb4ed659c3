// Opens the PostgreSQL store: migrations applied (store/postgres-migrate.ts), then a Prisma client
// over @prisma/adapter-pg, generated from prisma/postgresql/schema.prisma (the same models and enums
// as the SQLite store's). Not selectable by BORELA_DATABASE_URL yet: the raw fast path is SQLite SQL.
//
//   openPostgresStore(url): Promise<PostgresStore>     url: postgresql://user[:password]@host:port/database
// Errors: the migration's or the connection's, naming what failed (never the URL: it may hold a password).
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma-pg/client.ts";
import { migratePostgres } from "./postgres-migrate.ts";

export type PostgresStore = PrismaClient;

export async function openPostgresStore(url: string): Promise<PostgresStore> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await migratePostgres(client);
  } finally {
    await client.end().catch(() => {});
  }
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}
