// Managed replicas: where a project's databases live in the operator's bucket
// (BORELA_S3_*). The one place that builds a project's storage prefix and the
// URLs under it; pure, no I/O. The agent never builds these: it receives
// `managedUrlPrefix` from GET /api/v1/agent/config and appends its database
// names with the same joinReplicaUrl (see agent/managed.ts).
//
//   managedPrefix({ name, id }): string                          `<name as [a-z0-9-]>-<last 8 of id>`, stored once as Project.storagePrefix
//   managedUrlPrefix(s3, storagePrefix): string                  `s3://<bucket>/<prefix>`
//   managedReplicaUrl(s3, storagePrefix, database): string       `s3://<bucket>/<prefix>/<database>`
//   inManagedPrefix(s3, storagePrefix, { bucket, path }): boolean   the project's own prefix in the managed bucket
import { joinReplicaUrl } from "../litestream/replica-url.ts";

/** The bucket of the operator's storage (a slice of config.ts's S3Settings). */
export interface ManagedBucket {
  bucket: string;
}

/**
 * A new project's storage prefix: its name lowercased with every run of other characters than
 * `[a-z0-9]` made one "-" (none at either end; "project" when nothing is left), then "-" and the
 * last 8 characters of its id. Decided once at creation and stored; never rebuilt from a renamed project.
 */
export function managedPrefix(project: { name: string; id: string }): string {
  const slug = project.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "project";
  return `${slug}-${project.id.slice(-8)}`;
}

/** `s3://<bucket>/<storagePrefix>`, no trailing slash: what an agent in managed mode appends `/<database>` to. */
export function managedUrlPrefix(s3: ManagedBucket, storagePrefix: string): string {
  return `s3://${s3.bucket}/${storagePrefix}`;
}

/** The replica URL of `database` (its name in the agent's settings) of the project whose prefix is `storagePrefix`. */
export function managedReplicaUrl(s3: ManagedBucket, storagePrefix: string, database: string): string {
  return joinReplicaUrl(managedUrlPrefix(s3, storagePrefix), database);
}

/**
 * Whether `bucket`/`path` (a parsed replica URL, path without leading slash) is the project's own prefix
 * in the managed bucket or below it; false without managed storage, and for a sibling that only starts
 * alike (`<prefix>-other/…`).
 */
export function inManagedPrefix(s3: ManagedBucket | null, storagePrefix: string, target: { bucket: string; path: string }): boolean {
  if (!s3 || target.bucket !== s3.bucket) return false;
  return target.path === storagePrefix || target.path.startsWith(`${storagePrefix}/`);
}
