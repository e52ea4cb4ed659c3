// Where the core says a project's S3 replicas live, for the restore commands
// it shows (snippets/restore-commands.ts): the operator's managed bucket and
// the project's prefix in it, and the bucket, endpoint and region an admin
// stored for bring-your-own S3. No secret is read.
import type { S3Settings } from "../config.ts";
import type { Store } from "../store/db.ts";

/** Where the core itself says a project's S3 replicas live; never from a heartbeat. */
export interface RestoreStorage {
  /** The operator's managed bucket (BORELA_S3_*) and the project's prefix in it; null when none is configured. */
  managed: { bucket: string; prefix: string; endpoint: string | null; region: string; forcePathStyle: boolean } | null;
  /** What an admin stored with PUT /api/v1/projects/:id/storage-credentials; null when nothing is stored. */
  stored: { bucket: string; endpoint: string | null; region: string } | null;
}

/** `s3`: the core's BORELA_S3_* settings (null when unset); `project`: its id and managed storage prefix. */
export async function restoreStorage(store: Store, s3: S3Settings | null, project: { id: string; storagePrefix: string }): Promise<RestoreStorage> {
  const stored = await store.storageCredential.findFirst({ where: { projectId: project.id }, select: { bucket: true, endpoint: true, region: true } });
  return {
    managed: s3 ? { bucket: s3.bucket, prefix: project.storagePrefix, endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle } : null,
    stored,
  };
}
