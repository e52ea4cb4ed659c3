// Read credentials name one bucket, and the core uses them only for replicas
// in it (replica-target.ts). A typo in that bucket left every drill of the
// project unable to read its replica while the PUT said 204, and the first
// drill never came (a tester): a bucket none of the project's replicas is in
// is refused at once, naming the buckets they are in.
import { parseReplicaUrl } from "../litestream/replica-url.ts";

/**
 * The 400 message for read credentials of `bucket`, or null when they fit: `replicaUrls` are the URLs the
 * project's agent reported (and its stored replicaUrl); `managed(target)` tells a replica in the core's own
 * managed prefix (read with BORELA_S3_*, not with stored credentials). Null when no bring-your-own S3 replica
 * is known yet (credentials stored before the agent runs) or one of them is in `bucket`.
 */
export function credentialsBucketProblem(bucket: string, replicaUrls: string[], managed: (target: { bucket: string; path: string }) => boolean): string | null {
  const buckets = new Set<string>();
  for (const url of replicaUrls) {
    let target;
    try {
      target = parseReplicaUrl(url);
    } catch {
      continue;
    }
    if (target.type !== "s3" || managed(target)) continue;
    if (target.bucket === bucket) return null;
    buckets.add(target.bucket);
  }
  if (buckets.size === 0) return null;
  const named = [...buckets].sort().join(", ");
  return `bucket: ${JSON.stringify(bucket)} holds none of this project's replicas (they are in ${named}): read credentials are for the bucket its drills read`;
}
