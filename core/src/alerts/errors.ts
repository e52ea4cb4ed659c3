/** A delivery failure that retrying cannot fix (missing configuration, channel gone): failed at once. */
export class PermanentDeliveryError extends Error {}
