// What every snippet is rendered from: one project's settings. A snippet never
// holds a real secret; the agent token is always referenced as
// ${BORELA_AGENT_TOKEN} (or an env file the user fills in).
import path from "node:path";
import { CONTROL } from "../control.ts";

export const DEFAULT_IMAGE = "borela/borela:latest";

export interface SnippetInput {
  projectName: string;
  serverUrl: string;
  /** Absolute paths of the databases, as the app sees them. */
  databases: string[];
  /** Bring-your-own replica; managed by the core when absent. */
  replicaUrl?: string;
  /** The app's compose service whose volume the sidecar shares. */
  serviceName?: string;
  /** "volume-name:/mount/path"; defaults to `<service>_data:<directory of the first database>`. */
  volume?: string;
  image?: string;
  /** Host networking (our tests; a VPS without a compose network). */
  hostNetwork?: boolean;
  /** "UID:GID" the sidecar runs as; unset: the image's entrypoint runs it as the database's owner. */
  user?: string;
  /** The named volume a `file://` replica lives on, shared with the core for drills (default borela-replicas). */
  replicaVolume?: string;
}

export const DEFAULT_REPLICA_VOLUME = "borela-replicas";

export class SnippetError extends Error {}


function refuseControl(input: SnippetInput): void {
  const fields: Array<[string, string | undefined]> = [
    ["project name", input.projectName],
    ["server URL", input.serverUrl],
    ["replica URL", input.replicaUrl],
    ["service name", input.serviceName],
    ["volume", input.volume],
    ["image", input.image],
    ["user", input.user],
    ["replica volume", input.replicaVolume],
    ...input.databases.map((d): [string, string] => ["database path", d]),
  ];
  for (const [field, value] of fields) {
    if (value !== undefined && CONTROL.test(value)) throw new SnippetError(`${field} ${JSON.stringify(value)} holds a control character (a line break?); it cannot go into a snippet`);
  }
}

export interface ResolvedInput extends Required<Omit<SnippetInput, "replicaUrl" | "user" | "replicaVolume">> {
  replicaUrl: string | null;
  volumeName: string;
  mountPath: string;
  user: string | null;
  /** The mount a `file://` replica needs, "volume:/path"; null when it is not a file replica or lies on the app's volume already. */
  replicaMount: { volume: string; path: string } | null;
}

/**
 * Where a `file://` replica must be mounted so it outlives the container: null for other URLs and for a path
 * inside the app's shared volume; otherwise the replica path's first directory ("/replicas" for
 * file:///replicas/shop), on which the core mounts the same volume for drills.
 */
export function replicaMountFor(replicaUrl: string | null, appMountPath: string, volume: string): { volume: string; path: string } | null {
  if (!replicaUrl?.startsWith("file://")) return null;
  const replicaPath = path.posix.normalize(decodeURIComponent(new URL(replicaUrl).pathname));
  if (replicaPath === "/" || !path.posix.isAbsolute(replicaPath)) throw new SnippetError(`replica URL ${JSON.stringify(replicaUrl)} needs an absolute directory, e.g. file:///replicas/shop`);
  const app = appMountPath.replace(/\/$/, "");
  if (replicaPath === app || replicaPath.startsWith(`${app}/`)) return null;
  return { volume, path: `/${replicaPath.split("/")[1]}` };
}

function parseUser(user: string | undefined): string | null {
  if (user === undefined) return null;
  if (!/^\d{1,10}(:\d{1,10})?$/.test(user)) throw new SnippetError(`user ${JSON.stringify(user)} must be UID:GID in numbers, e.g. 1000:1000 (\`id -u\`:\`id -g\` of the app's user)`);
  return user.includes(":") ? user : `${user}:${user}`;
}

export function resolveInput(input: SnippetInput): ResolvedInput {
  if (input.databases.length === 0) throw new SnippetError("at least one --database PATH is needed");
  refuseControl(input);
  for (const db of input.databases) {
    if (!path.isAbsolute(db)) throw new SnippetError(`database path ${JSON.stringify(db)} must be absolute (the path inside the app's container)`);
    if (db.includes(",")) throw new SnippetError(`database path ${JSON.stringify(db)} holds a comma: BORELA_DATABASES and dev.borela.databases are comma-separated, so it would become two databases`);
  }
  try {
    new URL(input.serverUrl);
  } catch {
    throw new SnippetError(`server URL ${JSON.stringify(input.serverUrl)} is not a URL`);
  }
  if (input.replicaUrl && !/^(s3|file|gcs|abs|sftp):\/\//.test(input.replicaUrl)) {
    throw new SnippetError(`replica URL ${JSON.stringify(input.replicaUrl)} must start with s3://, file://, gcs://, abs:// or sftp://`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(input.serviceName ?? "app")) throw new SnippetError(`service name ${JSON.stringify(input.serviceName)} is not a valid compose service name`);
  const serviceName = input.serviceName ?? "app";
  const volume = input.volume ?? `${serviceName}_data:${path.dirname(input.databases[0])}`;
  const [volumeName, mountPath] = volume.split(/:(.*)/s);
  if (!volumeName || !mountPath || !path.isAbsolute(mountPath)) throw new SnippetError(`volume ${JSON.stringify(volume)} must look like NAME:/absolute/path`);
  for (const db of input.databases) {
    if (!db.startsWith(`${mountPath.replace(/\/$/, "")}/`)) throw new SnippetError(`database ${db} is not inside the shared volume's path ${mountPath}`);
  }
  const replicaVolume = input.replicaVolume ?? DEFAULT_REPLICA_VOLUME;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(replicaVolume)) throw new SnippetError(`replica volume ${JSON.stringify(replicaVolume)} is not a valid volume name`);
  return {
    projectName: input.projectName,
    serverUrl: input.serverUrl.replace(/\/$/, ""),
    databases: input.databases,
    replicaUrl: input.replicaUrl ?? null,
    serviceName,
    volume,
    volumeName,
    mountPath,
    image: input.image ?? DEFAULT_IMAGE,
    hostNetwork: input.hostNetwork ?? false,
    user: parseUser(input.user),
    replicaMount: replicaMountFor(input.replicaUrl ?? null, mountPath, replicaVolume),
  };
}

/** The agent's environment, with the token as a reference. */
export function agentEnvironment(r: ResolvedInput): Record<string, string> {
  return {
    BORELA_SERVER: r.serverUrl,
    BORELA_AGENT_TOKEN: "${BORELA_AGENT_TOKEN}",
    BORELA_DATABASES: r.databases.join(","),
    ...(r.replicaUrl ? { BORELA_REPLICA_URL: r.replicaUrl } : {}),
  };
}
