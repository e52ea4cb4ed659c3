// Whether two projects claim the same replica: a file directory one project's agent reports (or an
// operator stored on a project without an agent) that is the directory another project claims, as
// written or once symbolic links are resolved; for S3, the same endpoint and bucket with one key prefix
// equal to or inside the other. An agent token may report only its own project's state (DESIGN.md "The
// trust boundary"), and nothing but the claims says which project owns a directory under
// BORELA_FILE_REPLICA_ROOTS, so a directory more than one project claims belongs to the one that
// claimed it first (replica-precedence.ts decides; to none when that cannot be told) as far as
// drills and restores go, and storing one already claimed is refused. Nested file directories are
// different replicas: Litestream restores a file replica from the layout under its own directory
// (generations/ in 0.3, ltx/ in 0.5), so a parent's restore never reads a child's files; counting them
// as one let a token that reported a parent first (up to a root) refuse every later project below it.
//
//   fileReplicasOverlap(a, b): boolean                         pure: the same directory
//   s3ReplicasOverlap(a, b): boolean                           pure: same endpoint and bucket, prefixes overlap
//   dirsOverlap(mine, other): boolean                          pure: the same directory as written or once resolved
//   distinctClaimants(hit): Claimant[]                         pure: each claimant once, sorted
//   sharedFileReplicaWords(shownUrl, claimants): string        the admin-facing refusal of a drill or restore
//   laterClaimWords(shownUrl, earlier): string                 the refusal for the later claimant (replica-precedence.ts)
import { isInside } from "./inside-dir.ts";
import { CLAIM_RETENTION_DAYS } from "./replica-claim-records.ts";

/**
 * True when the absolute directories `a` and `b` are the same, compared by whole segments after resolving
 * "." / ".." and trailing slashes: /r/B and /r/B/ overlap; /r/B and /r/B2, or /r and /r/B, do not.
 */
export function fileReplicasOverlap(a: string, b: string): boolean {
  return isInside(a, b) && isInside(b, a);
}

/** An S3 replica as compared: endpoint (null for AWS), bucket, and key prefix without leading or trailing slash. */
export interface S3Place {
  endpoint: string | null;
  bucket: string;
  path: string;
}

const bareEndpoint = (e: string | null) => (e ? e.replace(/\/+$/, "").toLowerCase() : null);
const keyInside = (outer: string, inner: string) => outer === "" || inner === outer || inner.startsWith(`${outer}/`);

/** True when `a` and `b` name the same endpoint (trailing slash and case aside) and bucket, and one key prefix is or holds the other, by whole segments. */
export function s3ReplicasOverlap(a: S3Place, b: S3Place): boolean {
  if (bareEndpoint(a.endpoint) !== bareEndpoint(b.endpoint) || a.bucket !== b.bucket) return false;
  return keyInside(a.path, b.path) || keyInside(b.path, a.path);
}

/** A claimed file replica directory as written in its URL and with symbolic links resolved (the same when it does not exist). */
export interface ReplicaDirs {
  written: string;
  real: string;
}

/** Another project claiming a replica: by its agent's report, or `stored` by an operator (Project.replicaUrl). */
export interface Claimant {
  project: string;
  stored: boolean;
}

/** True when the directories `a` and `b` are the same as written or once symbolic links are resolved. */
export function dirsOverlap(a: ReplicaDirs, b: ReplicaDirs): boolean {
  return fileReplicasOverlap(a.written, b.written) || fileReplicasOverlap(a.real, b.real);
}

/** Each (project, stored) of `hit` once, sorted by project, a report before a store. */
export function distinctClaimants(hit: Claimant[]): Claimant[] {
  const seen = new Map<string, Claimant>();
  for (const o of hit) seen.set(`${o.project}\u0000${o.stored}`, { project: o.project, stored: o.stored });
  return [...seen.values()].sort((a, b) => (a.project === b.project ? Number(a.stored) - Number(b.stored) : a.project < b.project ? -1 : 1));
}

/** "reported by another project ("a") and stored on another project ("b")": who else claims a replica. */
export function claimantWords(claimants: Claimant[]): string {
  const named = (stored: boolean) => claimants.filter((c) => c.stored === stored).map((c) => JSON.stringify(c.project)).join(", ");
  const parts = [];
  if (claimants.some((c) => !c.stored)) parts.push(`reported by another project (${named(false)})`);
  if (claimants.some((c) => c.stored)) parts.push(`stored on another project (${named(true)})`);
  return parts.join(" and ");
}

/** The refusal for a drill or a restore of `shownUrl` (already redacted): admin-facing, so it names the other projects. */
export function sharedFileReplicaWords(shownUrl: string, claimants: Claimant[]): string {
  return `file replica ${shownUrl} is also ${claimantWords(claimants)}: drills and restores refuse it until only one project reports it`;
}

/** The refusal for a drill or a restore of `shownUrl` (already redacted) by a project that claimed it after the `earlier` ones. */
export function laterClaimWords(shownUrl: string, earlier: Claimant[]): string {
  return `file replica ${shownUrl} is also ${claimantWords(earlier)}, which claimed it first: drills and restores of this project refuse it while that claim stands (${CLAIM_RETENTION_DAYS} days after that project last reported or stored it, or until that project is deleted)`;
}
