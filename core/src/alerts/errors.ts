/** A delivery failure that retrying cannot fix (missing configuration, channel gone): failed at once. */
export class PermanentDeliveryError extends Error {}

/**
 * This core lacks what the delivery needs (BORELA_SMTP_URL, digest recipients, the key that sealed its
 * channel) while a peer on the same store may have it: the row is released untouched (no attempt counted,
 * its time kept) and this core leaves it alone for a while (deliver.ts), so a core that can send takes it.
 */
export class NotSendableHereError extends Error {}

/**
 * A sealed target or secret this core's secret key does not open (BORELA_SECRET_KEY differs): left for a
 * core with the key that sealed it, never given up on.
 */
export class KeyMismatchError extends NotSendableHereError {}
