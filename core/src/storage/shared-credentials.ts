// Scoped credentials shared through the store (the ScopedCredential table), so every core on one store
// hands an agent token the credentials one AssumeRole gave, reused until REUSE_MARGIN_MS before they
// expire (credential-cache.ts), instead of each core assuming the role for itself. Encrypted with the
// core's secret key (cores sharing a store share BORELA_SECRET_KEY). Cores missing at once may both
// assume the role; the later write wins, and both answers are valid.
//
//   sharedCredentials(store, secretKey, key, nowMs, assume): Promise<ReplicaCredentials>
//     key: credentialCacheKey(...); stored as its SHA-256 hex (the key names the token id and prefix)
// Errors: assume()'s, as is. The store is advisory: a row that cannot be read or decrypted is assumed
// anew, and a failed write leaves the answer unshared.
import { createHash } from "node:crypto";
import type { Store } from "../store/db.ts";
import { decryptSecret, encryptSecret } from "../store/secrets.ts";
import { reusable } from "./credential-cache.ts";
import type { ReplicaCredentials } from "./scoped-credentials.ts";

export async function sharedCredentials(store: Store, secretKey: Buffer, key: string, nowMs: number, assume: () => Promise<ReplicaCredentials>): Promise<ReplicaCredentials> {
  const id = createHash("sha256").update(key).digest("hex");
  const stored = await read(store, secretKey, id);
  if (stored && reusable(stored, nowMs)) return stored;
  const creds = await assume();
  if (creds.expiresAt) await write(store, secretKey, id, creds, nowMs).catch(() => undefined);
  return creds;
}

async function read(store: Store, secretKey: Buffer, id: string): Promise<ReplicaCredentials | null> {
  try {
    const row = await store.scopedCredential.findUnique({ where: { key: id } });
    if (!row) return null;
    const c = JSON.parse(decryptSecret(secretKey, row.value)) as Omit<ReplicaCredentials, "expiresAt">;
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken ?? null, expiresAt: row.expiresAt };
  } catch {
    return null;
  }
}

async function write(store: Store, secretKey: Buffer, id: string, creds: ReplicaCredentials, nowMs: number): Promise<void> {
  const value = encryptSecret(secretKey, JSON.stringify({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken }));
  await store.scopedCredential.upsert({ where: { key: id }, create: { key: id, value, expiresAt: creds.expiresAt! }, update: { value, expiresAt: creds.expiresAt! } });
  await store.scopedCredential.deleteMany({ where: { expiresAt: { lt: new Date(nowMs) } } });
}
