// The restore commands shown for a database (API, dashboard, emails, webhooks,
// chat). Everything in them may come from an agent's heartbeat, so every word
// goes through shellQuote: pasting them into a shell runs exactly the restore.
// The replica URL keeps only the bucket and path the agent reported: where the
// requests go (endpoint, region) comes from the core, as for drills
// (drills/replica-target.ts): pasting a command must never send the admin's
// own keys to an endpoint an agent chose. Whether a replica is the project's
// own managed one is storage/'s call (inManagedPrefix); snippets/ sits above
// storage/, which imports nothing from here.
import { parseReplicaUrl } from "../litestream/replica-url.ts";
import { inManagedPrefix } from "../storage/managed-replica.ts";
import type { RestoreStorage } from "../storage/restore-storage.ts";
import { shellCommand } from "./shell.ts";
import { restoreRefusal, type LastDrill } from "./restore-refusal.ts";

export interface RestoreCommands {
  /**
   * `litestream restore -o /tmp/<name>-restored.sqlite3 <replica URL>`, followed by a `# …` note when the
   * core does not know the replica's endpoint; null when no replica is known or its URL is unreadable.
   */
  litestream: string | null;
  /**
   * `npx borela restore <project> --database <name> -o /tmp/<name>-restored.sqlite3 [--server <core URL>]`;
   * after a failed drill with `--force` and a `# …` note saying why (restore-refusal.ts).
   */
  borela: string;
}

export type { RestoreStorage };

export const NO_STORAGE: RestoreStorage = { managed: null, stored: null };

/** Said after a command whose endpoint the core does not know: fixed text, nothing reported in it. */
const ENDPOINT_NOTE =
  "# endpoint unknown: for a store other than AWS S3 add ?endpoint=<https://your S3 endpoint>&region=<region> (an admin can store it with PUT /api/v1/projects/<id>/storage-credentials)";

/**
 * The URL a restore command reads, from a reported replica URL: `file:///dir` as reported (without query);
 * `s3://<bucket>/<path>` with the managed settings' endpoint and region for the project's own prefix in
 * the managed bucket, the stored credentials' for their bucket, and none otherwise (`endpointKnown`
 * false). The reported query (`endpoint`, `region`, …), host-borne endpoints (`bucket.localhost:9000`)
 * and credentials are dropped. Null when the URL cannot be parsed.
 */
export function restoreUrl(reported: string, storage: RestoreStorage): { url: string; endpointKnown: boolean } | null {
  let target;
  let pathname: string;
  try {
    target = parseReplicaUrl(reported);
    pathname = new URL(reported).pathname;
  } catch {
    return null;
  }
  if (target.type === "file") return { url: `file://${pathname}`, endpointKnown: true };
  const base = `s3://${target.bucket}${pathname === "/" ? "" : pathname}`;
  const { managed, stored } = storage;
  let where: { endpoint: string | null; region: string; forcePathStyle: boolean } | null = null;
  if (managed && inManagedPrefix(managed, managed.prefix, target)) where = managed;
  else if (stored && target.bucket === stored.bucket) where = { ...stored, forcePathStyle: stored.endpoint !== null };
  if (!where) return { url: base, endpointKnown: false };
  const query = new URLSearchParams();
  if (where.endpoint) query.set("endpoint", where.endpoint);
  query.set("region", where.region);
  if (where.endpoint && where.forcePathStyle) query.set("forcePathStyle", "true");
  return { url: `${base}?${query}`, endpointKnown: true };
}

/**
 * Restore commands for one database: project name, database name and replica URL as stored (any text).
 * `server` is the core's URL (BORELA_PUBLIC_URL, config.publicUrl): without `--server` the CLI tries
 * http://127.0.0.1:8787, wrong on any other port or host; null or "" leaves it out. `lastDrill`: the
 * database's last finished drill, which says whether the restore would be refused (restore-refusal.ts).
 */
export function restoreCommands(
  projectName: string,
  database: { name: string },
  replicaUrl: string | null,
  storage: RestoreStorage = NO_STORAGE,
  server: string | null = null,
  lastDrill: LastDrill | null = null,
): RestoreCommands {
  const out = `/tmp/${database.name}-restored.sqlite3`;
  const replica = replicaUrl ? restoreUrl(replicaUrl, storage) : null;
  const litestream = replica ? shellCommand(["litestream", "restore", "-o", out, replica.url]) : null;
  const refusal = restoreRefusal(lastDrill);
  const borela = shellCommand(["npx", "borela", "restore", projectName, "--database", database.name, "-o", out, ...(server ? ["--server", server] : []), ...(refusal?.force ? ["--force"] : [])]);
  return {
    litestream: litestream && !replica!.endpointKnown ? `${litestream}  ${ENDPOINT_NOTE}` : litestream,
    borela: refusal ? `${borela}  ${refusal.note}` : borela,
  };
}
