// Why the core cannot read a replica with what it holds (operator settings, the project's stored read
// credentials, BORELA_FILE_REPLICA_ROOTS): the same rules as a drill's, without I/O. Used to skip the
// automatic first drill (service.ts) and to tell the dashboard that drills cannot run, instead of
// promising a first drill that never comes.
import type { Config } from "../config.ts";
import { fileRootProblem } from "./file-roots.ts";
import { restoreTarget } from "./replica-target.ts";
import type { StoredCredentials } from "../storage/stored-credentials.ts";

function fileUrlPath(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url;
  }
}

/** Null when the core can read `url` (a Replica row's URL); otherwise the reason, naming the setting to change. */
export function replicaReadProblem(url: string, storagePrefix: string, config: Config, stored: StoredCredentials | null): string | null {
  try {
    const target = restoreTarget(url, storagePrefix, config, stored);
    return target.type === "file" ? fileRootProblem(fileUrlPath(url), config.fileReplicaRoots) : null;
  } catch (err) {
    return (err as Error).message;
  }
}
