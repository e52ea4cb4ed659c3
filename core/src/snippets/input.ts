// What every snippet is rendered from: one project's settings. A snippet never
// holds a real secret; the agent token is always referenced as
// ${BORELA_AGENT_TOKEN} (or an env file the user fills in).
import path from "node:path";

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
}

export class SnippetError extends Error {}

/** C0 controls, DEL, C1 controls and the Unicode line and paragraph separators: never written into a snippet. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function refuseControl(input: SnippetInput): void {
  const fields: Array<[string, string | undefined]> = [
    ["project name", input.projectName],
    ["server URL", input.serverUrl],
    ["replica URL", input.replicaUrl],
    ["service name", input.serviceName],
    ["volume", input.volume],
    ["image", input.image],
    ...input.databases.map((d): [string, string] => ["database path", d]),
  ];
  for (const [field, value] of fields) {
    if (value !== undefined && CONTROL.test(value)) throw new SnippetError(`${field} ${JSON.stringify(value)} holds a control character (a line break?); it cannot go into a snippet`);
  }
}

export interface ResolvedInput extends Required<Omit<SnippetInput, "replicaUrl">> {
  replicaUrl: string | null;
  volumeName: string;
  mountPath: string;
}

export function resolveInput(input: SnippetInput): ResolvedInput {
  if (input.databases.length === 0) throw new SnippetError("at least one --database PATH is needed");
  refuseControl(input);
  for (const db of input.databases) {
    if (!path.isAbsolute(db)) throw new SnippetError(`database path ${JSON.stringify(db)} must be absolute (the path inside the app's container)`);
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
