// The two S3 calls a replica reader needs, as one small interface with two
// implementations: the signed one over node:http (s3-objects.ts, the agent's:
// no SDK in its 60 MB budget) and the SDK one (storage/s3-sdk-objects.ts, the
// core's). Both fail with the same S3RequestError wording, built here.
//
//   S3Transport.listObjects(store, prefix, options?): Promise<S3Object[]>   all pages (ListObjectsV2), at most options.maxPages
//   S3Transport.getObject(store, key, options?): Promise<Buffer>            at most options.maxBytes; options.range for bytes [start, end]
//   s3Location(store, key): { url: URL; path: string }                      pure: endpoint (path or virtual-host style) and raw path
//   listPages(store, prefix, options, page): Promise<S3Object[]>            a listing's pages in order, at most options.maxPages
//   S3RequestError: code ("NoSuchKey", "InvalidAccessKeyId", …; "NotS3Listing", "Timeout", "TooLarge",
//     "TooManyPages", or the socket's errno such as "ECONNREFUSED"), status (HTTP, or null without an answer)

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | null;
}

export interface S3Store {
  bucket: string;
  /** e.g. "http://127.0.0.1:9000"; null: AWS (https://s3.<region>.amazonaws.com). */
  endpoint: string | null;
  /** null: us-east-1. */
  region: string | null;
  /** null: path style exactly when an endpoint is set. */
  forcePathStyle: boolean | null;
  /** null: unsigned requests. */
  credentials: S3Credentials | null;
}

export interface S3Object {
  key: string;
  /** Stored bytes. */
  size: number;
  lastModified: Date;
}

export interface RequestOptions {
  /** Per request (each page of a listing), default 10 000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Upper bound on ListObjectsV2 pages (1000 keys each), default 1000. */
  maxPages?: number;
  /** Upper bound on a response body, default 64 MiB. */
  maxBytes?: number;
  /** GetObject of bytes [start, end] only (inclusive, as HTTP Range counts). */
  range?: [number, number];
}

export interface S3Transport {
  listObjects(store: S3Store, prefix: string, options?: RequestOptions): Promise<S3Object[]>;
  getObject(store: S3Store, key: string, options?: RequestOptions): Promise<Buffer>;
}

export class S3RequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export const DEFAULT_REGION = "us-east-1";
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_PAGES = 1000;

export function s3Location(store: Pick<S3Store, "bucket" | "endpoint" | "region" | "forcePathStyle">, key: string): { url: URL; path: string } {
  const region = store.region ?? DEFAULT_REGION;
  const base = new URL(store.endpoint ?? `https://s3.${region}.amazonaws.com`);
  const pathStyle = store.forcePathStyle ?? store.endpoint !== null;
  if (!pathStyle) base.hostname = `${store.bucket}.${base.hostname}`;
  const root = `${base.pathname.replace(/\/+$/, "")}${pathStyle ? `/${store.bucket}` : ""}`;
  const path = key ? `${root}/${key}` : root || "/";
  return { url: base, path };
}

export const listWhat = (store: S3Store, prefix: string) => `s3 ListObjectsV2 bucket=${store.bucket} prefix=${prefix}`;
export const getWhat = (store: S3Store, key: string) => `s3 GetObject bucket=${store.bucket} key=${key}`;

/** S3 answered an error: `<what>: <code> (HTTP <status>)[: <message>]`; code "HTTP<status>" when the answer named none. */
export function answeredError(what: string, code: string | null, status: number, message: string | null): S3RequestError {
  const named = code ?? `HTTP${status}`;
  return new S3RequestError(`${what}: ${named} (HTTP ${status})${message ? `: ${message}` : ""}`, named, status);
}

/** A 200 that is not a ListBucketResult (a web server, an API answering JSON) lists nothing; it must not read as an empty replica. */
export function notListingError(store: S3Store, prefix: string, status: number, contentType: string | null): S3RequestError {
  const endpoint = s3Location(store, "").url.origin;
  return new S3RequestError(
    `${listWhat(store, prefix)}: ${endpoint} answered HTTP ${status} (${contentType ?? "no content-type"}) without a ListBucketResult: is it an S3 endpoint?`,
    "NotS3Listing",
    status,
  );
}

/** No answer: `s3 request to <host> failed: <errno>`. */
export function networkError(store: S3Store, err: unknown): S3RequestError {
  const code = (err as NodeJS.ErrnoException).code;
  return new S3RequestError(`s3 request to ${s3Location(store, "").url.host} failed: ${code ?? (err as Error).message}`, code ?? "NetworkError", null);
}

export function timeoutError(store: S3Store, timeoutMs: number): S3RequestError {
  return new S3RequestError(`s3 request to ${s3Location(store, "").url.host} timed out after ${timeoutMs} ms`, "Timeout", null);
}

export function tooLargeError(store: S3Store, key: string, maxBytes: number, status: number | null): S3RequestError {
  return new S3RequestError(`s3 response for ${store.bucket}/${key} exceeds ${maxBytes} bytes`, "TooLarge", status);
}

/** One ListObjectsV2 page: its objects and the continuation token of the next (null: the last page). */
export type ListPage = (token: string | null) => Promise<{ objects: S3Object[]; next: string | null }>;

/** Reads pages until one has no continuation token; TooManyPages past options.maxPages (default 1000). */
export async function listPages(store: S3Store, prefix: string, options: RequestOptions, page: ListPage): Promise<S3Object[]> {
  const objects: S3Object[] = [];
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  let token: string | null = null;
  for (let n = 0; n < maxPages; n++) {
    const { objects: listed, next } = await page(token);
    objects.push(...listed);
    if (!next) return objects;
    token = next;
  }
  throw new S3RequestError(`${listWhat(store, prefix)}: more than ${maxPages} pages`, "TooManyPages", null);
}
