/** Storage could not be reached: worth a retry, unlike a damaged backup. */
export class InfrastructureError extends Error {}
