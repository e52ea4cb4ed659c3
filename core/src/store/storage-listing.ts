// The row shape of the core's own listing of a project's stored replica
// (Project.replicaUrl, newestLtxAt, listedAt, listError), as the sweep reads it
// and freshness/agentless.ts judges it. Here, below both, so the store imports
// nothing from freshness/.

/** What the core's last listing of the project's stored replica found (Project.replicaUrl and its columns). */
export interface StorageListing {
  /** The stored replica's URL, redacted (no secrets). */
  url: string;
  /** createdAt of the newest LTX file of any level; null when the listing found none. */
  newestLtxAt: Date | null;
  /** When the core last listed it successfully; null before its first success. */
  listedAt: Date | null;
  /** Why the last listing failed; null after a success. */
  error: string | null;
}
