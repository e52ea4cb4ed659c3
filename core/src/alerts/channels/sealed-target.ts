// A channel's target as the AlertChannel row stores it. Most targets are
// credentials (a bot token, routing keys, a chat webhook's URL), so they are
// sealed with store/secrets.ts (AES-256-GCM, "v1:<iv>:<tag>:<body>", the
// format of webhook secrets and storage credentials) in the same TEXT column.
// Email addresses are not secrets: an email channel's target stays readable
// (the weekly digest selects operator email channels by it).
import { decryptSecret, encryptSecret } from "../../store/secrets.ts";
import { displayTarget } from "./registry.ts";

const SEALED = /^v1:[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]*={0,2}$/;

/** Pure: whether a stored target is sealed. No plaintext target starts so (URLs, "key/key", "123:token/chat" never match). */
export function isSealedTarget(stored: string): boolean {
  return SEALED.test(stored);
}

/** Pure: whether a channel of this type keeps its target sealed (every type but email). */
export function sealsTarget(type: string): boolean {
  return type !== "email";
}

/** The stored form of a checked target: "v1:…" for a secret-bearing type, the target itself for email. */
export function sealTarget(key: Buffer, type: string, target: string): string {
  return sealsTarget(type) && !isSealedTarget(target) ? encryptSecret(key, target) : target;
}

/**
 * The target a stored row holds: decrypted when sealed, as stored otherwise (email, and rows written
 * before targets were sealed, which start.ts seals once). Throws "cannot decrypt the target…" when the
 * key is not the one that sealed it (BORELA_SECRET_KEY changed); the message never holds the target.
 */
export function openTarget(key: Buffer, stored: string): string {
  if (!isSealedTarget(stored)) return stored;
  try {
    return decryptSecret(key, stored);
  } catch (err) {
    throw new Error(`cannot decrypt the target (was BORELA_SECRET_KEY changed?): ${(err as Error).message}`);
  }
}

/** What the API shows of a stored target: the provider's display form (registry.ts), "…" when it cannot be decrypted. */
export function shownTarget(key: Buffer, type: string, stored: string): string {
  try {
    return displayTarget(type, openTarget(key, stored));
  } catch {
    return "…";
  }
}
