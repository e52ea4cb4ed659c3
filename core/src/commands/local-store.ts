// CLI commands that work on the core's store directly (SQLite in BORELA_DATA_DIR, or PostgreSQL at
// BORELA_DATABASE_URL), so they run where the core's store is reachable, with or without it running.
import { loadConfig, type Config } from "../config.ts";
import type { Store } from "../store/db.ts";
import { openConfiguredStore } from "../store/open.ts";
import { UsageError } from "./args.ts";

export async function withStore<T>(fn: (store: Store, config: Config) => Promise<T>, dataDir?: string): Promise<T> {
  const config = loadConfig(undefined, dataDir ? { dataDir } : {});
  const opened = await openConfiguredStore(config);
  try {
    return await fn(opened.store, config);
  } finally {
    await opened.close();
  }
}

export async function findProject(store: Store, nameOrId: string | undefined) {
  if (!nameOrId) throw new UsageError("name the project (its name or id)");
  const project = (await store.project.findUnique({ where: { id: nameOrId } })) ?? (await store.project.findUnique({ where: { name: nameOrId } }));
  if (!project) {
    const names = (await store.project.findMany({ select: { name: true }, orderBy: { name: "asc" } })).map((p) => p.name);
    throw new UsageError(`no project ${JSON.stringify(nameOrId)} (projects: ${names.join(", ") || "none"})`);
  }
  return project;
}

export function parseTimestamp(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw new UsageError(`--timestamp ${JSON.stringify(value)} is not an ISO date-time`);
  return t;
}
