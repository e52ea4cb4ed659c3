// The store a core, a worker or a CLI command opens: SQLite in the data dir (store/db.ts), or PostgreSQL
// when BORELA_DATABASE_URL is set (store/postgres-db.ts, migrations applied first). Either way the client
// is the `Store` the code takes; raw SQL sites ask dialectOf(store) where the stores differ.
//
//   openConfiguredStore(config): Promise<OpenedStore>
//     config.databaseUrl: postgresql://… or null (SQLite at config.dataDir/borela.db)
// Errors: the migration's or the connection's (never the URL: it may hold a password).
//
// SQLite's start-up steps stay in openStore: WAL and busy_timeout PRAGMAs (PostgreSQL has neither), and
// redactStoredUrls, a one-time upgrade of replica URLs stored before inline credentials were stripped at
// ingest; a PostgreSQL store is built by migrations newer than that, so it never held such rows.
import type { Config } from "../config.ts";
import { openStore, type Store } from "./db.ts";
import { asStore, openPostgresStore } from "./postgres-db.ts";

export type StoreKind = "sqlite" | "postgresql";

export interface OpenedStore {
  kind: StoreKind;
  store: Store;
  /** Disconnects the client. */
  close(): Promise<void>;
}

export async function openConfiguredStore(config: Pick<Config, "dataDir" | "databaseUrl">): Promise<OpenedStore> {
  const store = config.databaseUrl ? asStore(await openPostgresStore(config.databaseUrl)) : await openStore(config.dataDir);
  return { kind: config.databaseUrl ? "postgresql" : "sqlite", store, close: () => store.$disconnect() };
}
