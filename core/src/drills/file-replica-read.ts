// Whether a drill or restore may read the file replica directory it resolved (file-roots.ts resolveFileReplica):
// no other project claimed that directory first (replica-claims.ts, judged on exactly that directory), and it
// exists (a replica not made yet holds no backup; a link made there later must not be read instead).
//
//   fileReplicaReadProblem(store, projectId, url, dir): Promise<string | null>   the reason (naming the URL redacted), or null
import type { Store } from "../store/db.ts";
import { redactReplicaUrl } from "../litestream/replica-url.ts";
import { replicaDirMade } from "./file-roots.ts";
import { sharedFileReplicaProblem } from "./replica-claims.ts";

export async function fileReplicaReadProblem(store: Store, projectId: string, url: string, dir: string): Promise<string | null> {
  const shared = await sharedFileReplicaProblem(store, projectId, url, { dir });
  if (shared) return shared;
  return (await replicaDirMade(dir)) ? null : `no backup found in ${redactReplicaUrl(url)}: its directory does not exist`;
}
