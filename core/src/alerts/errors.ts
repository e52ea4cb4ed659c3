/** A delivery failure that retrying cannot fix (missing configuration, channel gone): failed at once. */
export class PermanentDeliveryError extends Error {}

/**
 * A sealed target or secret this core's secret key does not open (BORELA_SECRET_KEY changed): the delivery
 * waits, retried with backoff and never given up on, until the core runs with the key that sealed it.
 */
export class KeyMismatchError extends Error {}
