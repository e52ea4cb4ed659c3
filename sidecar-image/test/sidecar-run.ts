// A sidecar container next to an app's database, the way a deployment runs it:
// the app's data volume mounted at the same path, a file replica beside it.
import { chmodSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { TestCore } from "../../core/test/support/core-server.ts";
import { docker, runContainer } from "../../core/test/support/docker.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { createDatabase } from "../../core/test/litestream/live.ts";

export interface SidecarDatabase {
  /** The app's data directory, holding app.sqlite3. */
  data: string;
  /** The file replica's directory. */
  replica: string;
  dbPath: string;
}

/**
 * `<root>/data/app.sqlite3` with 20 rows and an empty `<root>/replica`, all mode 0777: the sidecar
 * runs as the database's owner and writes `<db>-litestream` beside the database.
 */
export function sidecarDatabase(root: string): SidecarDatabase {
  const data = path.join(root, "data");
  const replica = path.join(root, "replica");
  mkdirSync(data, { recursive: true });
  mkdirSync(replica, { recursive: true });
  const dbPath = path.join(data, "app.sqlite3");
  createDatabase(dbPath, 20);
  for (const p of [data, replica, dbPath]) chmodSync(p, 0o777);
  return { data, replica, dbPath };
}

/** Starts `image` as the agent of `agentToken` on `db` (heartbeat every 2 s, health checked every 2 s); returns the container id. */
export function runSidecar(image: string, core: TestCore, agentToken: string, db: SidecarDatabase): string {
  return runContainer(image, {
    env: {
      BORELA_SERVER: core.url,
      BORELA_AGENT_TOKEN: agentToken,
      BORELA_DATABASES: db.dbPath,
      BORELA_REPLICA_URL: `file://${db.replica}`,
      BORELA_HEARTBEAT_INTERVAL_SECONDS: "2",
    },
    // The app's data volume is mounted at the same path as in the app.
    mounts: [`${db.data}:${db.data}`, `${db.replica}:${db.replica}`],
    healthInterval: "2s",
  });
}

/** Waits (60 s at most) until the project is fresh with bytes stored; on timeout the error carries the container's last 40 log lines. */
export function waitFreshProject(core: TestCore, projectId: string, containerId: string, what: string): Promise<any> {
  return waitFor(
    async () => {
      const p = (await core.api("GET", `/api/v1/projects/${projectId}`)).body;
      return p.status === "fresh" && p.storageBytes > 0 ? p : null;
    },
    { timeoutMs: 60_000, what },
  ).catch((err) => {
    throw new Error(`${err.message}\n${docker("logs", "--tail", "40", containerId)}`);
  });
}
