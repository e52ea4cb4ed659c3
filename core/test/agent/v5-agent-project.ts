// A project whose seeded database an agent replicates with Litestream 0.5 to a file replica.
import path from "node:path";
import { seededDatabase } from "../drills/fixtures.ts";
import type { AgentRun } from "./harness.ts";
import type { HarnessFixture } from "./use-harness.ts";

/**
 * Creates project `name` with `settings`, its database at `<dir>/<name>/` and its replica at
 * `<dir>/<name>-replica`, and starts an agent on Litestream 0.5 (stopped with the harness) with `more` of its run.
 */
export async function v5AgentProject(h: HarnessFixture, name: string, settings: Record<string, unknown>, more: Pick<AgentRun, "flags" | "deps"> = {}) {
  const p = await h.core.createProject(name, settings);
  const file = seededDatabase(path.join(h.dir.path, name));
  const replica = path.join(h.dir.path, `${name}-replica`);
  const agent = await h.runAgent({ server: h.core.url, token: p.agentToken, databases: [file], replicaUrl: `file://${replica}`, dir: h.dir.path, env: { BORELA_LITESTREAM_VERSION: "0.5" }, ...more });
  return { p, file, replica, agent };
}
