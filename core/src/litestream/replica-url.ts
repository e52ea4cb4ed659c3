// Replica targets: where Litestream copies a database, as Borela passes them
// around, and the URL forms users write.
//
//   parseReplicaUrl(url: string, name?: string): ReplicaTarget
//     file:///abs/dir
//     s3://[accessKeyId:secretAccessKey@]bucket[/path][?endpoint=http://host:port&region=r&forcePathStyle=true]
//     (hosts such as bucket.localhost:9000 or bucket.s3.<region>.backblazeb2.com as Litestream 0.3 parses them)
//   redactReplicaUrl(url: string): string    credentials and every query key but endpoint/region/forcePathStyle removed
//   replicaUrl(target: ReplicaTarget): string the target's URL without secrets (what heartbeats report)
//   joinReplicaUrl(url: string, name: string): string   `<url>/<name>`, query kept
import { pathToFileURL } from "node:url";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | null;
  /** ISO time after which the credentials stop working; null when they do not expire. */
  expiresAt?: string | null;
}

/** Litestream's per-replica timing knobs, as Go durations ("1s", "24h"). */
export interface ReplicaTimings {
  syncInterval?: string;
  snapshotInterval?: string;
  retention?: string;
  retentionCheckInterval?: string;
  validationInterval?: string;
}

export interface FileReplica extends ReplicaTimings {
  type: "file";
  name?: string;
  /** Absolute directory holding `generations/`. */
  path: string;
  /** The URL this target came from, without secrets. */
  url?: string;
}

export interface S3Replica extends ReplicaTimings {
  type: "s3";
  name?: string;
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash ("" for the bucket root). */
  path: string;
  /** http(s)://host[:port] of an S3-compatible store; null for AWS. */
  endpoint: string | null;
  region: string | null;
  forcePathStyle: boolean | null;
  /** Null: Litestream and the reader use the ambient AWS credential chain (AWS_ACCESS_KEY_ID...). */
  credentials: S3Credentials | null;
  url?: string;
}

export type ReplicaTarget = FileReplica | S3Replica;

export class ReplicaUrlError extends Error {}

const KEEP_PARAMS = new Set(["endpoint", "region", "forcePathStyle", "force-path-style"]);

export function redactReplicaUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not a URL: strip anything that looks like userinfo before an @.
    return url.replace(/\/\/[^/@]*@/, "//");
  }
  u.username = "";
  u.password = "";
  for (const key of [...u.searchParams.keys()]) {
    // Only the keys Borela reads stay (no secret among them): the core refuses any other key in a reported URL.
    if (!KEEP_PARAMS.has(key)) u.searchParams.delete(key);
  }
  return u.toString();
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, "");
}

function parseBool(raw: string | null, what: string, url: string): boolean | null {
  if (raw === null || raw === "") return null;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new ReplicaUrlError(`${what}=${JSON.stringify(raw)} in replica URL ${redactReplicaUrl(url)} is not true or false`);
}

// Litestream 0.3.13's s3.ParseHost: provider-specific hosts carry the endpoint.
const HOSTS: Array<{ re: RegExp; endpoint: (m: RegExpMatchArray) => string; region?: (m: RegExpMatchArray) => string; scheme?: string }> = [
  { re: /^(?:(.+)\.)?localhost$/, endpoint: () => "localhost", region: () => "us-east-1", scheme: "http" },
  { re: /^(?:(.+)\.)?s3\.([^.]+)\.backblazeb2\.com$/, endpoint: (m) => `s3.${m[2]}.backblazeb2.com`, region: (m) => m[2] },
  { re: /^(?:(.+)\.)?(?:s3\.)?filebase\.com$/, endpoint: () => "s3.filebase.com" },
  { re: /^(?:(.+)\.)?([^.]+)\.digitaloceanspaces\.com$/, endpoint: (m) => `${m[2]}.digitaloceanspaces.com`, region: (m) => m[2] },
  { re: /^(?:(.+)\.)?s3\.([^.]+)\.scw\.cloud$/, endpoint: (m) => `s3.${m[2]}.scw.cloud`, region: (m) => m[2] },
  { re: /^(?:(.+)\.)?([^.]+)\.linodeobjects\.com$/, endpoint: (m) => `${m[2]}.linodeobjects.com`, region: (m) => m[2] },
];

function parseS3Host(hostname: string, port: string): { bucket: string; endpoint: string | null; region: string | null; forcePathStyle: boolean } {
  for (const h of HOSTS) {
    const m = hostname.match(h.re);
    if (!m) continue;
    const endpoint = `${h.scheme ?? "https"}://${h.endpoint(m)}${port ? `:${port}` : ""}`;
    return { bucket: m[1] ?? "", endpoint, region: h.region?.(m) ?? null, forcePathStyle: true };
  }
  return { bucket: hostname, endpoint: null, region: null, forcePathStyle: false };
}

export function parseReplicaUrl(url: string, name?: string): ReplicaTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ReplicaUrlError(`replica URL ${JSON.stringify(redactReplicaUrl(url))} is not a URL (expected file:///path or s3://bucket/path)`);
  }
  const shown = redactReplicaUrl(url);
  if (u.protocol === "file:") {
    if (u.host) throw new ReplicaUrlError(`file replica URL ${shown} has a host; write file:///absolute/path`);
    const dir = decodeURIComponent(u.pathname).replace(/\/+$/, "");
    if (!dir || dir === "/") throw new ReplicaUrlError(`file replica URL ${shown} names no directory`);
    return { type: "file", name, path: dir, url: shown };
  }
  if (u.protocol === "s3:") {
    const host = parseS3Host(u.hostname, u.port);
    if (!host.bucket) throw new ReplicaUrlError(`s3 replica URL ${shown} names no bucket`);
    const endpoint = u.searchParams.get("endpoint") || host.endpoint;
    if (endpoint) {
      try {
        const e = new URL(endpoint);
        if (e.protocol !== "http:" && e.protocol !== "https:") throw new Error();
      } catch {
        throw new ReplicaUrlError(`endpoint=${JSON.stringify(endpoint)} in replica URL ${shown} is not an http(s) URL`);
      }
    }
    const explicitPathStyle = parseBool(
      u.searchParams.get("forcePathStyle") ?? u.searchParams.get("force-path-style"),
      "forcePathStyle",
      url,
    );
    const credentials = u.username
      ? { accessKeyId: decodeURIComponent(u.username), secretAccessKey: decodeURIComponent(u.password) }
      : null;
    return {
      type: "s3",
      name,
      bucket: host.bucket,
      path: trimSlashes(decodeURIComponent(u.pathname)),
      endpoint: endpoint ?? null,
      region: u.searchParams.get("region") || host.region,
      forcePathStyle: explicitPathStyle ?? (endpoint ? true : host.forcePathStyle || null),
      credentials,
      url: shown,
    };
  }
  throw new ReplicaUrlError(`replica URL ${shown} has unsupported scheme ${JSON.stringify(u.protocol.replace(/:$/, ""))}; use file:// or s3://`);
}

export function joinReplicaUrl(url: string, name: string): string {
  const q = url.indexOf("?");
  const base = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? "" : url.slice(q);
  return `${base.replace(/\/+$/, "")}/${encodeURIComponent(name)}${query}`;
}

export function replicaUrl(target: ReplicaTarget): string {
  if (target.url) return redactReplicaUrl(target.url);
  if (target.type === "file") return pathToFileURL(target.path).href;
  const query = target.endpoint ? `?endpoint=${encodeURIComponent(target.endpoint)}` : "";
  return redactReplicaUrl(`s3://${target.bucket}${target.path ? `/${target.path}` : ""}${query}`);
}
