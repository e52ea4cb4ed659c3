// What a receiver dedupes one delivery by: derived from the delivery's dedupe key (delivery-key.ts), so
// every attempt of it, from any core process (a retry after a timeout, a survivor after a crash mid-send),
// carries the same identity. Opaque: the key's incident and channel ids stay inside Borela.
import { createHash } from "node:crypto";

/** "borela-<32 hex>": the first 128 bits of SHA-256 over the dedupe key. */
export function deliveryIdentity(deliveryKey: string): string {
  return `borela-${createHash("sha256").update(deliveryKey).digest("hex").slice(0, 32)}`;
}

/**
 * The email Message-ID of a delivery, "<borela-<32 hex>@<domain>>", the domain taken from the sender
 * address (BORELA_MAIL_FROM, "Name <a@b>" or "a@b"); "borela.invalid" when it has none.
 */
export function deliveryMessageId(deliveryKey: string, mailFrom: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom)?.[1] ?? "borela.invalid";
  return `<${deliveryIdentity(deliveryKey)}@${domain}>`;
}
