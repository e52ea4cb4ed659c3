// One drill case on a file replica: its database, replica and project, and the
// plain `litestream restore` (0.3) a drill's result is compared with.
import path from "node:path";
import { restore } from "../../src/litestream/commands.ts";
import type { TestCore } from "../support/core-server.ts";
import type { ReplicaTarget } from "../../src/litestream/replica-url.ts";
import { seededDatabase, tableCounts } from "./fixtures.ts";

export type FileReplicaCase = Awaited<ReturnType<typeof fileReplicaCase>>;

/** Under `<root>/<name>`: the seeded database `file`, its replica directory (nothing replicated yet) and a project `name` on `core`. */
export async function fileReplicaCase(core: TestCore, root: string, name: string) {
  const dir = path.join(root, name);
  const file = seededDatabase(dir);
  const replicaDir = path.join(dir, "replica");
  const project = await core.createProject(name);
  return { dir, file, replicaDir, project, url: `file://${replicaDir}`, target: { type: "file" as const, path: replicaDir } };
}

/**
 * Returns `plainRestore(replica, timestamp?)`: a plain `litestream restore` (0.3) of the replica (a file
 * replica's directory, or any target: S3 with its credentials) into `<root()>/plain-<n>.sqlite3` (30 s at
 * most), giving the table counts it restored or its error.
 */
export function plainRestorer(root: () => string) {
  let count = 0;
  return async function plainRestore(replica: string | ReplicaTarget, timestamp?: Date): Promise<{ tables: Record<string, number> } | { error: string }> {
    const output = path.join(root(), `plain-${++count}.sqlite3`);
    try {
      await restore({ replica: typeof replica === "string" ? { type: "file", path: replica } : replica }, { outputPath: output, timestamp, timeoutMs: 30_000 });
      return { tables: tableCounts(output) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
}
