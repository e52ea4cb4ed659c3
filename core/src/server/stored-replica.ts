// The replica an operator stores for agentless watching (PATCH /api/v1/projects/:id
// {"replicaUrl": "file:///…" | "s3://bucket/path" | null}): checked with the same
// rules as a drill's read (drills/replica-target.ts readTarget), so a URL the core
// would never read (inline credentials, outside BORELA_FILE_REPLICA_ROOTS as written
// or once symlinks are resolved, no stored read credentials for its bucket, a regular
// file) is refused at once, naming the field. A project with an agent is refused
// too: its replicas come from the agent's heartbeat, and the core lists only
// projects without one (freshness/storage-listing.ts). An S3 URL whose `?endpoint=` is not the
// one the core lists (the stored credentials' endpoint wins) is stored as the URL the core lists,
// so reasons and the page never name an endpoint nobody reads. A URL with a control character, raw (the
// route's schema) or percent-encoded, is refused: it would reach reasons, alerts and logs, and the URL
// parser drops some, so the place listed would differ from the one shown. A replica another project
// claims (its agent reports it, or it is stored on it; the drills' overlap rule, drills/replica-overlap.ts)
// is refused naming that project: storing it would make both projects' drills fail.
import { stat } from "node:fs/promises";
import type { Config } from "../config.ts";
import type { Store } from "../store/db.ts";
import { MissingCredentialsError, readTarget, ReplicaRefusedError } from "../drills/replica-target.ts";
import { storedCredentials } from "../storage/stored-credentials.ts";
import { CONTROL } from "../control.ts";
import { earlierClaimants } from "../drills/replica-claims.ts";
import { recordStoredClaim } from "../drills/replica-claim-records.ts";
import { claimantWords } from "../drills/replica-overlap.ts";
import { parseReplicaUrl, redactReplicaUrl, replicaUrl, ReplicaUrlError, type ReplicaTarget } from "../litestream/replica-url.ts";
import { badRequest, notFound } from "./errors.ts";

/** The error's message when the core would refuse to read `url` for the project; else the target it would read. */
async function readProblem(store: Store, config: Config, projectId: string, storagePrefix: string, url: string): Promise<{ problem: string } | { target: ReplicaTarget }> {
  let target;
  try {
    if (decodedControl(url)) return { problem: "must not contain control characters (line breaks, tabs), percent-encoded or not" };
    target = await readTarget(url, storagePrefix, config, await storedCredentials(store, config.encryptionKey, projectId));
  } catch (err) {
    if (err instanceof ReplicaUrlError || err instanceof ReplicaRefusedError || err instanceof MissingCredentialsError) return { problem: err.message };
    if (err instanceof URIError) return { problem: `${redactReplicaUrl(url)} holds a malformed percent-encoding` };
    throw err;
  }
  if (target.type !== "file") return { target };
  // A directory Litestream has not created yet is fine: the listing says it does not exist until it does.
  const st = await stat(target.path).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? null : err.code === "ENOTDIR" ? "file" : Promise.reject(err)));
  return st === "file" || (st && !st.isDirectory()) ? { problem: `${target.url} is not a directory: a file replica is the directory litestream.yml's replica path names` } : { target };
}

/** True when `url` holds a control character once percent-decoded (path, bucket, ?endpoint= alike). Throws URIError on a bad escape. */
function decodedControl(url: string): boolean {
  return CONTROL.test(decodeURIComponent(url));
}

/** `url` itself, or for an S3 URL naming an endpoint other than the one the core reads, the URL the core lists. */
function listedUrl(url: string, target: ReplicaTarget): string {
  if (target.type !== "s3") return url;
  const named = parseReplicaUrl(url);
  const bare = (e: string | null) => e?.replace(/\/+$/, "") ?? null;
  return named.type === "s3" && bare(named.endpoint) !== bare(target.endpoint) ? replicaUrl({ ...target, url: undefined }) : url;
}

/**
 * The Project columns to write for `url` (null: stop listing): the URL the core lists, and the last listing's columns
 * cleared, so nothing found at the previous URL is judged against the new one.
 * Throws ApiError 400 naming replicaUrl (a URL the core would not read, one with a control character, one another
 * project claimed first, or a project with an agent),
 * or 404 when the project does not exist.
 */
export async function storedReplicaData(store: Store, config: Config, projectId: string, url: string | null) {
  const cleared = { replicaUrl: url, newestLtxAt: null, listedAt: null, listError: null };
  if (url === null) return cleared;
  const project = await store.project.findUnique({ where: { id: projectId }, select: { storagePrefix: true, lastHeartbeatAt: true } });
  if (!project) throw notFound(`project ${projectId}`);
  if (project.lastHeartbeatAt) throw badRequest("replicaUrl: this project has an agent: its replicas come from the agent's heartbeat");
  const read = await readProblem(store, config, projectId, project.storagePrefix, url);
  if ("problem" in read) throw badRequest(`replicaUrl: ${read.problem}`);
  const listed = listedUrl(url, read.target);
  const claimants = await earlierClaimants(store, projectId, listed);
  if (claimants.length) {
    throw badRequest(`replicaUrl: ${redactReplicaUrl(listed)} overlaps a replica ${claimantWords(claimants)}: a replica belongs to the project that claimed it first`);
  }
  // The operator's claim, dated now unless the project claimed the place before: a later report cannot take it.
  if (read.target.type === "file") await recordStoredClaim(store, projectId, listed, new Date());
  return { ...cleared, replicaUrl: listed };
}
