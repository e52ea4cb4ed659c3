// Drills of a project watched without an agent (issue 16 item 8): its one drilled
// replica is the one the operator stored on the project (Project.replicaUrl, the
// URL the core lists itself), read with the project's stored credentials like any
// drill's (replica-target.ts readTarget), never anything an agent reported. No
// Database row stands for it (only an agent's heartbeat creates those, and the
// agent path would judge such a row); the Drill row has databaseId null and the
// name storedReplicaName gives it.
//
//   storedReplicaName(url): string                      pure
//   storedDrillable(project): boolean                   pure
//   STORED_DRILLABLE_SQL                                the same rule, for queries over "Project" p
//   storedDatabase(project): DrilledDatabase | null     what a drill of it reads (no live state)

/** What a drill reads of the database it drills: a Database row with its replicas, or the stored replica's stand-in. */
export interface DrilledDatabase {
  /** Null for the stored replica of a project without an agent. */
  id: string | null;
  projectId: string;
  name: string;
  position: string | null;
  /** When the agent measured `position` (its last report); null for a stored replica. */
  lastHeartbeatAt: Date | null;
  sizeBytes: bigint;
  walBytes: bigint;
  tableCounts: string | null;
  markerEnabled: boolean;
  replicas: { url: string; position: string | null; updatedAt: Date }[];
}

/** The project columns the rule reads. */
export interface StoredProject {
  id: string;
  replicaUrl: string | null;
  lastHeartbeatAt: Date | null;
  updatedAt: Date;
}

/** A project is drilled on its stored replica while it has one and no agent ever reported (the listing's rule too). */
export function storedDrillable(p: Pick<StoredProject, "replicaUrl" | "lastHeartbeatAt">): boolean {
  return p.replicaUrl !== null && p.lastHeartbeatAt === null;
}

/** storedDrillable as an SQL condition over the alias p of "Project"; 1 or 0. */
export const STORED_DRILLABLE_SQL = `(p."replicaUrl" IS NOT NULL AND p."lastHeartbeatAt" IS NULL)`;

/**
 * The drilled database's name for a stored replica URL: "replica <last path segment>" (the directory or
 * key prefix named in litestream.yml's replica path, e.g. file:///backups/app → "replica app"); "replica"
 * when the URL has no path. Query strings (an S3 endpoint) are left out.
 */
export function storedReplicaName(url: string): string {
  const bare = url.replace(/[?#].*$/, "").replace(/^[a-z0-9+.-]+:\/\//i, "");
  const segments = bare.split("/").filter((s) => s !== "");
  // s3://bucket alone: the bucket is the only segment, and no path.
  const last = segments.length > (url.startsWith("file:") ? 0 : 1) ? segments[segments.length - 1] : null;
  return last ? `replica ${last}` : "replica";
}

/** The stand-in a drill reads for a project's stored replica; null when the project is not drilled on it. */
export function storedDatabase(p: StoredProject): DrilledDatabase | null {
  if (!storedDrillable(p)) return null;
  return {
    id: null,
    projectId: p.id,
    name: storedReplicaName(p.replicaUrl!),
    position: null,
    lastHeartbeatAt: null,
    sizeBytes: 0n,
    walBytes: 0n,
    tableCounts: null,
    markerEnabled: false,
    replicas: [{ url: p.replicaUrl!, position: null, updatedAt: p.updatedAt }],
  };
}
