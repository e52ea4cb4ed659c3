// The replica an operator stores for agentless watching (PATCH /api/v1/projects/:id
// {"replicaUrl": "file:///…" | "s3://bucket/path" | null}): checked with the same
// rules as a drill's read (drills/read-problem.ts), so a URL the core would never
// read (inline credentials, outside BORELA_FILE_REPLICA_ROOTS, no stored read
// credentials for its bucket) is refused at once, naming the field.
import type { Config } from "../config.ts";
import type { Store } from "../store/db.ts";
import { replicaReadProblem } from "../drills/read-problem.ts";
import { storedCredentials } from "../drills/replica-target.ts";
import { badRequest, notFound } from "./errors.ts";

/**
 * The Project columns to write for `url` (null: stop listing): the URL, and the last listing's columns
 * cleared, so nothing found at the previous URL is judged against the new one.
 * Throws ApiError 400 naming replicaUrl, or 404 when the project does not exist.
 */
export async function storedReplicaData(store: Store, config: Config, projectId: string, url: string | null) {
  const cleared = { replicaUrl: url, newestLtxAt: null, listedAt: null, listError: null };
  if (url === null) return cleared;
  const project = await store.project.findUnique({ where: { id: projectId }, select: { storagePrefix: true } });
  if (!project) throw notFound(`project ${projectId}`);
  const problem = replicaReadProblem(url, project.storagePrefix, config, await storedCredentials(store, config, projectId));
  if (problem) throw badRequest(`replicaUrl: ${problem}`);
  return cleared;
}
