// Where the core says a project's S3 replicas live, for the restore commands
// it shows (snippets/restore-commands.ts): the operator's managed bucket and
// the project's prefix in it, and the bucket, endpoint and region an admin
// stored for bring-your-own S3. No secret is read.
import type { S3Settings } from "../config.ts";
import type { Store } from "../store/db.ts";
import type { RestoreStorage } from "../snippets/restore-commands.ts";

/** `s3`: the core's BORELA_S3_* settings (null when unset); `project`: its id and managed storage prefix. */
export async function restoreStorage(store: Store, s3: S3Settings | null, project: { id: string; storagePrefix: string }): Promise<RestoreStorage> {
  const stored = await store.storageCredential.findFirst({ where: { projectId: project.id }, select: { bucket: true, endpoint: true, region: true } });
  return {
    managed: s3 ? { bucket: s3.bucket, prefix: project.storagePrefix, endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle } : null,
    stored,
  };
}
