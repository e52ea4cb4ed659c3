// Who made a replica's storage: a fact of its URL and the core's managed
// storage, decided where it is read (project JSON, sidecar snippets), never
// stored: a heartbeat only reports URLs, and a stored flag went stale or was
// never written. Pure, no I/O.
import { parseReplicaUrl } from "../litestream/replica-url.ts";
import { inManagedPrefix, type ManagedBucket } from "./managed-replica.ts";

/** The API's `managedBy` values: "user" (bring your own storage) or "borela" (managed storage). */
export type ReplicaManager = "user" | "borela";

/**
 * "borela" when `url` (a Replica row's URL, any text) is an s3:// URL in the project's own prefix
 * `storagePrefix` in the managed bucket `s3` (inManagedPrefix); "user" otherwise: no managed storage
 * (`s3` null), another bucket or prefix, a file:// replica, or a URL that cannot be parsed.
 */
export function replicaManager(s3: ManagedBucket | null, storagePrefix: string, url: string): ReplicaManager {
  let target;
  try {
    target = parseReplicaUrl(url);
  } catch {
    return "user";
  }
  return target.type === "s3" && inManagedPrefix(s3, storagePrefix, target) ? "borela" : "user";
}
