// Where a drill (or `borela restore`) reads a replica: the core decides, never
// the heartbeat. A Replica row's URL only names the bucket and path (or the
// directory); everything that says where requests go and with which keys comes
// from the core:
//   managed replicas (the operator's bucket, under the project's prefix): endpoint,
//     region, path style and keys from BORELA_S3_*;
//   bring-your-own S3: endpoint, region and keys from the storage credentials an
//     admin stored for the project (PUT /api/v1/projects/:id/storage-credentials);
//   file replicas: only under BORELA_FILE_REPLICA_ROOTS (file-roots.ts), and drills and restores
//     refuse a directory another project claimed first (replica-claims.ts, replica-precedence.ts).
// A URL carrying credentials (user:pass@) is refused; messages show URLs redacted.
import { parseReplicaUrl, redactReplicaUrl, type ReplicaTarget, type S3Replica } from "../litestream/replica-url.ts";
import type { Config } from "../config.ts";
import type { StoredCredentials } from "../storage/stored-credentials.ts";
import { FileReplicaRefusedError, resolveFileReplica } from "./file-roots.ts";
import { inManagedPrefix } from "../storage/managed-replica.ts";

/** The replica cannot be read with what the core holds (no stored credentials, outside the managed prefix). */
export class MissingCredentialsError extends Error {}
/** The replica URL asks for something the core never does (inline credentials, "." or ".." segments, outside the file roots). */
export class ReplicaRefusedError extends Error {}

/**
 * The target to read `url` (a Replica row's URL) from, for the project whose managed prefix is
 * `storagePrefix`: pure, no I/O (file replicas still need resolveFileReplica, see readTarget).
 * Throws ReplicaUrlError (not a replica URL), ReplicaRefusedError or MissingCredentialsError; every
 * message shows the URL redacted.
 */
export function restoreTarget(url: string, storagePrefix: string, config: Config, stored: StoredCredentials | null = null): ReplicaTarget {
  const shown = redactReplicaUrl(url);
  const target = parseReplicaUrl(url);
  if (target.type === "file") return { type: "file", path: target.path, url: shown };
  if (target.credentials) {
    throw new ReplicaRefusedError(
      `replica URL ${shown} carries credentials (user:pass@); the core never reads with credentials from a reported URL: store them with PUT /api/v1/projects/<id>/storage-credentials and report the URL without them`,
    );
  }
  if (target.path.split("/").some((s) => s === "." || s === "..")) throw new ReplicaRefusedError(`replica URL ${shown} has "." or ".." segments in its path`);
  // No `url`: messages then show the bucket, path and endpoint the core reads (replicaUrl), not the reported endpoint.
  const base = { type: "s3" as const, bucket: target.bucket, path: target.path };
  if (config.s3 && inManagedPrefix(config.s3, storagePrefix, target)) {
    const s3 = config.s3;
    return { ...base, endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } } satisfies S3Replica;
  }
  if (stored && stored.bucket === target.bucket) {
    return {
      ...base,
      endpoint: stored.endpoint,
      region: stored.region,
      forcePathStyle: stored.endpoint ? true : null,
      credentials: { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey },
    } satisfies S3Replica;
  }
  if (stored) {
    throw new MissingCredentialsError(
      `the read credentials stored for this project are for bucket ${stored.bucket}, and replica ${shown} is in bucket ${target.bucket}: store them again with bucket ${target.bucket} (PUT /api/v1/projects/<id>/storage-credentials)`,
    );
  }
  if (config.s3 && target.bucket === config.s3.bucket) {
    throw new MissingCredentialsError(`replica ${shown} is in the managed bucket outside this project's prefix ${storagePrefix}/: the core reads only the project's own prefix there`);
  }
  throw new MissingCredentialsError(
    `no read credentials for replica ${shown}: store them with PUT /api/v1/projects/<id>/storage-credentials (bucket ${target.bucket}; the core reads bring-your-own replicas only with the endpoint, region and keys stored there, never those of a reported URL)`,
  );
}

/** restoreTarget, and for file replicas the directory resolved and checked against config.fileReplicaRoots. */
export async function readTarget(url: string, storagePrefix: string, config: Config, stored: StoredCredentials | null = null): Promise<ReplicaTarget> {
  const target = restoreTarget(url, storagePrefix, config, stored);
  if (target.type !== "file") return target;
  try {
    return { ...target, path: await resolveFileReplica(target.path, config.fileReplicaRoots) };
  } catch (err) {
    if (err instanceof FileReplicaRefusedError) throw new ReplicaRefusedError(err.message);
    throw err;
  }
}
