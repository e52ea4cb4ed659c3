// A real store (SQLite, committed migrations) holding thousands of projects
// whose agents all went quiet at once, written straight in with raw SQL.
import Sqlite from "better-sqlite3";
import { databaseFile, openStore, type Store } from "../../src/store/db.ts";
import { openFastPath, type FastPath } from "../../src/store/fast-path.ts";
import { storeTime } from "../../src/store/time.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

export interface SilentFleet {
  dir: TmpDir;
  store: Store;
  fast: FastPath;
  /** A plain better-sqlite3 connection to the same file. */
  raw: Sqlite.Database;
  close(): Promise<void>;
}

/**
 * Under a new tmpDir(prefix): `projects` fresh projects p00000… (names mass-<i>), each with one
 * database `app` and an S3 replica the core holds no credentials for, every agent last heard 60 s
 * ago, with a heartbeat grace of `graceSeconds` and the drill schedule `drillSchedule` (cron).
 */
export async function silentFleet(prefix: string, projects: number, graceSeconds: number, drillSchedule: string): Promise<SilentFleet> {
  const dir = await tmpDir(prefix);
  const store = await openStore(dir.path);
  const fast = openFastPath(databaseFile(dir.path), { maxDatabasesPerProject: 10 });
  const raw = new Sqlite(databaseFile(dir.path));
  const heard = storeTime(new Date(Date.now() - 60_000));
  const now = storeTime(new Date());
  const project = raw.prepare(`INSERT INTO "Project" (id, name, drillSchedule, heartbeatGraceSeconds, badgeKey, storagePrefix, status, statusReasons, statusSince, lastHeartbeatAt, createdAt, updatedAt)
    VALUES (?, ?, ?, ?, ?, ?, 'fresh', '["app: replicas caught up"]', ?, ?, ?, ?)`);
  const database = raw.prepare(`INSERT INTO "Database" (id, projectId, name, path, status, statusReasons, lastHeartbeatAt, createdAt)
    VALUES (?, ?, 'app', '/data/app.sqlite3', 'fresh', '["app: replicas caught up"]', ?, ?)`);
  const replica = raw.prepare(`INSERT INTO "Replica" (id, databaseId, type, url, position, lastSnapshotAt, updatedAt) VALUES (?, ?, 's3', 's3://bucket/app', '{}', ?, ?)`);
  raw.transaction(() => {
    for (let i = 0; i < projects; i++) {
      const id = `p${String(i).padStart(5, "0")}`;
      project.run(id, `mass-${i}`, drillSchedule, graceSeconds, `badge-${i}`, `prefix-${i}`, now, heard, now, now);
      database.run(`d${id}`, id, heard, now);
      replica.run(`r${id}`, `d${id}`, heard, now);
    }
  })();
  return {
    dir,
    store,
    fast,
    raw,
    async close() {
      raw.close();
      fast.close();
      await store.$disconnect();
      await dir.remove();
    },
  };
}
