// A project whose one database is replicated to a file replica by a real
// `litestream replicate` (0.3) and reported to the core, ready for a drill.
import path from "node:path";
import type { TestCore } from "../support/core-server.ts";
import { addRows, replicate, reportDatabase, seededDatabase } from "./fixtures.ts";

/**
 * Under `<root>/<name>`: the seeded database, 3 users and 7 orders added while
 * Litestream replicates to `replica/`, and a project `name` on `core` whose
 * agent reported it. Returns the project, the database file and the replica's directory.
 */
export async function replicatedProject(core: TestCore, root: string, name: string) {
  const dir = path.join(root, name);
  const file = seededDatabase(dir);
  const replicaDir = path.join(dir, "replica");
  await replicate(dir, file, { type: "file", path: replicaDir }, [(f) => addRows(f, 3, 7)]);
  const project = await core.createProject(name);
  await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`);
  return { project, file, replicaDir };
}
