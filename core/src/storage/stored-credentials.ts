// The StorageCredential record: read credentials an admin stored for a project's
// bring-your-own S3 replicas (PUT /api/v1/projects/:id/storage-credentials),
// encrypted at rest with the core's secret key (AES-256-GCM, see store/secrets.ts).
// The key is read once at start (withSecretKey) and handed in: this module never
// reads the key file itself.
//
//   storedCredentials(store, key, projectId): Promise<StoredCredentials | null>
import type { Store } from "../store/db.ts";
import { decryptSecret } from "../store/secrets.ts";

/** Read credentials the operator stored for the project (decrypted), for bring-your-own S3 replicas. */
export interface StoredCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  endpoint: string | null;
  region: string;
}

/**
 * The project's stored credentials, or null when none are stored. `key` is Config.encryptionKey:
 * null in a config that was not started (withSecretKey), which can read no stored credentials.
 * Errors: no key while credentials are stored; a key that does not open them (decryptSecret).
 */
export async function storedCredentials(store: Store, key: Buffer | null, projectId: string): Promise<StoredCredentials | null> {
  const row = await store.storageCredential.findFirst({ where: { projectId } });
  if (!row) return null;
  if (!key) throw new Error("stored storage credentials cannot be read: the core's secret key was not loaded at start (withSecretKey)");
  return {
    accessKeyId: decryptSecret(key, row.accessKeyIdEnc),
    secretAccessKey: decryptSecret(key, row.secretKeyEnc),
    bucket: row.bucket,
    endpoint: row.endpoint,
    region: row.region,
  };
}
