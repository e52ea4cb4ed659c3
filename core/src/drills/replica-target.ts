// Turns a Replica row (a URL without secrets) into something Litestream can
// restore from, with read credentials: the operator's for managed replicas,
// the worker's environment for bring-your-own S3, none for file replicas.
import { parseReplicaUrl, type ReplicaTarget } from "../litestream/replica-url.ts";
import type { Config } from "../config.ts";
import type { Store } from "../store/db.ts";
import { decryptSecret, loadSecretKey } from "../store/secrets.ts";

export class MissingCredentialsError extends Error {}

export function managedPrefix(config: Config, storagePrefix: string): string | null {
  return config.s3 ? `s3://${config.s3.bucket}/${storagePrefix}` : null;
}

/** Read credentials the operator stored for the project (decrypted), for bring-your-own S3 replicas. */
export interface StoredCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  endpoint: string | null;
  region: string;
}

export function restoreTarget(
  url: string,
  storagePrefix: string,
  config: Config,
  env: Record<string, string | undefined> = process.env,
  stored: StoredCredentials | null = null,
): ReplicaTarget {
  const target = parseReplicaUrl(url);
  if (target.type !== "s3") return target;
  const prefix = managedPrefix(config, storagePrefix);
  if (config.s3 && prefix && (url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`))) {
    return {
      ...target,
      endpoint: target.endpoint ?? config.s3.endpoint,
      region: target.region ?? config.s3.region,
      forcePathStyle: target.forcePathStyle ?? config.s3.forcePathStyle,
      credentials: { accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey },
    };
  }
  if (target.credentials) return target;
  if (stored && stored.bucket === target.bucket) {
    return {
      ...target,
      endpoint: target.endpoint ?? stored.endpoint,
      region: target.region ?? stored.region,
      credentials: { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey },
    };
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID ?? env.LITESTREAM_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY ?? env.LITESTREAM_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new MissingCredentialsError(
      `no read credentials for replica ${url}: store them with PUT /api/v1/projects/<id>/storage-credentials, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY where the drill runs (bring-your-own replicas keep their credentials on the agent's host)`,
    );
  }
  return { ...target, credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN ?? null } };
}

export async function storedCredentials(store: Store, config: Config, projectId: string): Promise<StoredCredentials | null> {
  const row = await store.storageCredential.findFirst({ where: { projectId } });
  if (!row) return null;
  const key = loadSecretKey(config.dataDir, config.secretKey);
  return {
    accessKeyId: decryptSecret(key, row.accessKeyIdEnc),
    secretAccessKey: decryptSecret(key, row.secretKeyEnc),
    bucket: row.bucket,
    endpoint: row.endpoint,
    region: row.region,
  };
}
