// Every process that opens the store must hold the key its secrets were sealed with (store/secrets.ts): a
// core with another key would answer /healthz 200, claim alert deliveries it cannot send and answer 500 for
// storage credentials. The store keeps a check value of the key (HMAC-SHA256(key, "borela key check"),
// truncated; never the key) in the Setting row "secret-key-check", written by the first process that opens
// a store holding no secrets, or, on a store written before the check value, once the key opens a stored
// secret. A process whose key does not match refuses to start (SecretKeyMismatchError).
//
//   checkedSecretKey(store, config): Promise<Config & { encryptionKey }>   the config with its key loaded
import { createHmac, timingSafeEqual } from "node:crypto";
import { ConfigError, type Config } from "../config.ts";
import type { Store } from "./db.ts";
import { decryptSecret, readSecretKey, type SecretKeySource } from "./secrets.ts";

export const KEY_CHECK_SETTING = "secret-key-check";
const CHECK_PREFIX = "hmac-sha256-128:";

/** The key does not match the store's check value, or does not open its secrets: the message names BORELA_SECRET_KEY, never a key. */
export class SecretKeyMismatchError extends ConfigError {}

/** Pure: the stored check value of a 32-byte key: "hmac-sha256-128:" + 32 hex digits. */
export function keyCheckValue(key: Buffer): string {
  return CHECK_PREFIX + createHmac("sha256", key).update("borela key check").digest("hex").slice(0, 32);
}

/** Pure: whether `key` is the key `stored` (a keyCheckValue) was made from; false for any other text. */
export function keyMatches(key: Buffer, stored: string): boolean {
  const ours = Buffer.from(keyCheckValue(key));
  const theirs = Buffer.from(stored);
  return ours.length === theirs.length && timingSafeEqual(ours, theirs);
}

/**
 * Pure: what to do at start. stored: the check value or null; sample: whether the key opens one stored secret
 * (null when the store holds none). "ok": the key matches; "write": no check value yet and nothing says the
 * key is wrong; "refuse": another key sealed this store's secrets.
 */
export function keyCheckDecision(matches: boolean | null, sample: boolean | null): "ok" | "write" | "refuse" {
  if (matches !== null) return matches ? "ok" : "refuse";
  return sample === false ? "refuse" : "write";
}

/** Pure: why the process refuses to start, naming where its key came from; holds no key nor check value. */
export function mismatchMessage(source: SecretKeySource, file: string): string {
  const sealed = "this store's secrets (alert channel targets, storage credentials) were sealed with another key";
  if (source === "variable") return `BORELA_SECRET_KEY does not match the key of this store: ${sealed}. Start with the BORELA_SECRET_KEY the other cores on this store use (or the one it had before)`;
  const shared = "several cores (and workers) on one store need the same BORELA_SECRET_KEY";
  if (source === "generated") return `BORELA_SECRET_KEY is not set, so a new key was generated into ${file}, but ${sealed}: ${shared}. Set BORELA_SECRET_KEY to the key the other cores use`;
  return `BORELA_SECRET_KEY is not set and the key file ${file} does not match the key of this store: ${sealed} (was secret.key replaced, or the data dir copied?). Put back the secret.key that belongs with this store, or set BORELA_SECRET_KEY to the key that sealed it; ${shared}`;
}

/** One stored secret, the admin's own first (channel secrets and targets, storage keys), caches last; null when none. */
async function oneStoredSecret(store: Store): Promise<string | null> {
  const sealed = { startsWith: "v1:" };
  const found =
    (await store.alertChannel.findFirst({ where: { secretEnc: { not: null } }, select: { secretEnc: true }, orderBy: { createdAt: "asc" } }))?.secretEnc ??
    (await store.alertChannel.findFirst({ where: { target: sealed }, select: { target: true }, orderBy: { createdAt: "asc" } }))?.target ??
    (await store.storageCredential.findFirst({ select: { secretKeyEnc: true }, orderBy: { createdAt: "asc" } }))?.secretKeyEnc ??
    (await store.agentStorageKey.findFirst({ select: { secretKeyEnc: true }, orderBy: { createdAt: "asc" } }))?.secretKeyEnc ??
    (await store.delivery.findFirst({ where: { sealedTarget: sealed }, select: { sealedTarget: true }, orderBy: { createdAt: "asc" } }))?.sealedTarget ??
    (await store.scopedCredential.findFirst({ select: { value: true } }))?.value;
  return found ?? null;
}

function opens(key: Buffer, sealed: string): boolean {
  try {
    decryptSecret(key, sealed);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks `key` against the store's check value, writing it when missing (see keyCheckDecision); two processes
 * writing at once: the second reads the first's and compares. Throws SecretKeyMismatchError(message) on a
 * mismatch; store errors as they come.
 */
export async function verifyStoreKey(store: Store, key: Buffer, message: () => string): Promise<void> {
  const read = async () => (await store.setting.findUnique({ where: { key: KEY_CHECK_SETTING } }))?.value ?? null;
  const stored = await read();
  const sample = stored === null ? await oneStoredSecret(store) : null;
  const decision = keyCheckDecision(stored === null ? null : keyMatches(key, stored), sample === null ? null : opens(key, sample));
  if (decision === "refuse") throw new SecretKeyMismatchError(message());
  if (decision === "ok") return;
  try {
    await store.setting.create({ data: { key: KEY_CHECK_SETTING, value: keyCheckValue(key) } });
  } catch (err) {
    if ((err as { code?: string }).code !== "P2002") throw err;
    const now = await read();
    if (now === null || !keyMatches(key, now)) throw new SecretKeyMismatchError(message());
  }
}

/**
 * The config with its encryptionKey loaded (secrets.ts readSecretKey) and checked against the store (verifyStoreKey):
 * once, at the start of every process that reads or writes stored secrets (serve, worker, CLI commands on the store).
 */
export async function checkedSecretKey(store: Store, config: Config): Promise<Config & { encryptionKey: Buffer }> {
  const { key, source, file } = config.encryptionKey ? { key: config.encryptionKey, source: "variable" as const, file: "" } : readSecretKey(config.dataDir, config.secretKey);
  await verifyStoreKey(store, key, () => mismatchMessage(source, file));
  return { ...config, encryptionKey: key };
}
