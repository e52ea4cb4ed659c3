// A channel's target as the AlertChannel row stores it. Most targets are
// credentials (a bot token, routing keys, a chat webhook's URL), so they are
// sealed with store/secrets.ts (AES-256-GCM, "v1:<iv>:<tag>:<body>", the
// format of webhook secrets and storage credentials) in the same TEXT column.
// Email addresses are not secrets: an email channel's target stays readable
// (the weekly digest selects operator email channels by it).
import { decryptSecret, encryptSecret } from "../../store/secrets.ts";
import { displayTarget } from "./registry.ts";
import { KeyMismatchError } from "../errors.ts";

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

/** Why a sealed value does not open, and what to do: the key differs from the one that sealed it. */
export function undecryptable(what: string): string {
  return `the stored ${what} cannot be decrypted with this core's secret key (BORELA_SECRET_KEY, or the key file secret.key in the data dir when that is not set): it was sealed with another key. Start the core with the key that sealed it, or save the channel again with its ${what}`;
}

/**
 * The target a stored row holds: decrypted when sealed, as stored otherwise (email, and rows written
 * before targets were sealed, which start.ts seals once). Throws undecryptable("target") when the
 * key is not the one that sealed it; the message never holds the target.
 */
export function openTarget(key: Buffer, stored: string): string {
  if (!isSealedTarget(stored)) return stored;
  try {
    return decryptSecret(key, stored);
  } catch {
    throw new KeyMismatchError(undecryptable("target"));
  }
}

/** A channel's stored secret (AlertChannel.secretEnc) decrypted; throws undecryptable("secret") under another key. */
export function openSecret(key: Buffer, secretEnc: string): string {
  try {
    return decryptSecret(key, secretEnc);
  } catch {
    throw new KeyMismatchError(undecryptable("secret"));
  }
}

/** Pure: how many of the rows' sealed targets and secrets do not open with this key (counted, never shown). */
export function countUndecryptable(key: Buffer, rows: { target: string; secretEnc: string | null }[]): number {
  const opens = (f: () => unknown) => {
    try {
      f();
      return true;
    } catch {
      return false;
    }
  };
  return rows.reduce((n, r) => n + (opens(() => openTarget(key, r.target)) ? 0 : 1) + (r.secretEnc && !opens(() => openSecret(key, r.secretEnc!)) ? 1 : 0), 0);
}

/** What the API shows of a stored target: the provider's display form (registry.ts), "…" when it cannot be decrypted. */
export function shownTarget(key: Buffer, type: string, stored: string): string {
  try {
    return displayTarget(type, openTarget(key, stored));
  } catch {
    return "…";
  }
}
