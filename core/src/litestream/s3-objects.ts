// The two S3 calls the replica reader needs — ListObjectsV2 and GetObject —
// over node:http(s) with SigV4 (see s3-signer.ts for why not the SDK).
//
//   s3Location(bucket, key, { endpoint, region, forcePathStyle }): { url: URL; region: string }
//   listObjects(store: S3Store, prefix: string, options?): Promise<S3Object[]>     all pages, bounded
//   getObject(store: S3Store, key: string, options?): Promise<Buffer>             bounded size; options.range for part of it
//   S3RequestError: code (e.g. "InvalidAccessKeyId", "NoSuchBucket"; "NotS3Listing" for a 200 that is no ListBucketResult), status, and a message naming bucket/key
import http from "node:http";
import https from "node:https";
import { canonicalQuery, encodePath, signS3Request, type SigningCredentials } from "./s3-signer.ts";

export interface S3Store {
  bucket: string;
  endpoint: string | null;
  region: string | null;
  forcePathStyle: boolean | null;
  credentials: SigningCredentials | null;
}

export interface S3Object {
  key: string;
  size: number;
  lastModified: Date;
}

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Upper bound on ListObjectsV2 pages (1000 keys each). */
  maxPages?: number;
  maxBytes?: number;
  /** GetObject of bytes [start, end] only (inclusive, as HTTP Range counts). */
  range?: [number, number];
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

const DEFAULT_REGION = "us-east-1";

function s3Location(store: Pick<S3Store, "bucket" | "endpoint" | "region" | "forcePathStyle">, key: string): { url: URL; path: string } {
  const region = store.region ?? DEFAULT_REGION;
  const base = new URL(store.endpoint ?? `https://s3.${region}.amazonaws.com`);
  const pathStyle = store.forcePathStyle ?? store.endpoint !== null;
  if (!pathStyle) base.hostname = `${store.bucket}.${base.hostname}`;
  const root = `${base.pathname.replace(/\/+$/, "")}${pathStyle ? `/${store.bucket}` : ""}`;
  const path = key ? `${root}/${key}` : root || "/";
  return { url: base, path };
}

function xmlText(xml: string, tag: string): string | null {
  const m = xml.match(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`));
  return m ? decodeXml(m[1]) : null;
}

function decodeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) => {
    if (e === "lt") return "<";
    if (e === "gt") return ">";
    if (e === "quot") return '"';
    if (e === "apos") return "'";
    if (e === "amp") return "&";
    return String.fromCodePoint(e.startsWith("#x") ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function send(store: S3Store, key: string, query: Record<string, string>, options: RequestOptions): Promise<Response> {
  const { url, path } = s3Location(store, key);
  const region = store.region ?? DEFAULT_REGION;
  const headers: Record<string, string> = store.credentials
    ? signS3Request({ method: "GET", host: url.host, path, query }, store.credentials, region)
    : { host: url.host };
  if (options.range) headers.range = `bytes=${options.range[0]}-${options.range[1]}`;
  const search = canonicalQuery(query);
  const lib = url.protocol === "https:" ? https : http;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || undefined,
        method: "GET",
        path: `${encodePath(path)}${search ? `?${search}` : ""}`,
        headers,
        timeout: options.timeoutMs ?? 10_000,
        signal: options.signal,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy(new S3RequestError(`s3 response for ${store.bucket}/${key} exceeds ${maxBytes} bytes`, "TooLarge", res.statusCode ?? null));
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new S3RequestError(`s3 request to ${url.host} timed out after ${options.timeoutMs ?? 10_000} ms`, "Timeout", null)));
    req.on("error", (err) =>
      reject(err instanceof S3RequestError ? err : new S3RequestError(`s3 request to ${url.host} failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`, (err as NodeJS.ErrnoException).code ?? "NetworkError", null)),
    );
    req.end();
  });
}

function failure(res: Response, what: string): S3RequestError {
  const xml = res.body.toString("utf8");
  const code = xmlText(xml, "Code") ?? `HTTP${res.status}`;
  const message = xmlText(xml, "Message") ?? "";
  return new S3RequestError(`${what}: ${code} (HTTP ${res.status})${message ? `: ${message}` : ""}`, code, res.status);
}

function notListing(store: S3Store, prefix: string, res: Response): S3RequestError {
  const endpoint = s3Location(store, "").url.origin;
  const type = typeof res.headers["content-type"] === "string" ? res.headers["content-type"] : "no content-type";
  return new S3RequestError(
    `s3 ListObjectsV2 bucket=${store.bucket} prefix=${prefix}: ${endpoint} answered HTTP ${res.status} (${type}) without a ListBucketResult: is it an S3 endpoint?`,
    "NotS3Listing",
    res.status,
  );
}

/** Sends, and on AWS's wrong-region answer retries once in the region S3 names. */
async function sendInRegion(store: S3Store, key: string, query: Record<string, string>, options: RequestOptions): Promise<Response> {
  const res = await send(store, key, query, options);
  const hinted = res.headers["x-amz-bucket-region"];
  if ((res.status === 301 || res.status === 400) && typeof hinted === "string" && hinted !== (store.region ?? DEFAULT_REGION) && !store.endpoint) {
    return send({ ...store, region: hinted }, key, query, options);
  }
  return res;
}

export async function listObjects(store: S3Store, prefix: string, options: RequestOptions = {}): Promise<S3Object[]> {
  const objects: S3Object[] = [];
  const maxPages = options.maxPages ?? 1000;
  let token: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const query: Record<string, string> = { "list-type": "2", prefix };
    if (token) query["continuation-token"] = token;
    const res = await sendInRegion(store, "", query, options);
    if (res.status !== 200) throw failure(res, `s3 ListObjectsV2 bucket=${store.bucket} prefix=${prefix}`);
    const xml = res.body.toString("utf8");
    // A 200 that is not a ListBucketResult (a web server, an API answering JSON) lists nothing; it must not read as an empty replica.
    if (!/<ListBucketResult[\s>]/.test(xml)) throw notListing(store, prefix, res);
    for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
      const key = xmlText(m[1], "Key");
      if (key === null) continue;
      objects.push({ key, size: Number(xmlText(m[1], "Size") ?? 0), lastModified: new Date(xmlText(m[1], "LastModified") ?? 0) });
    }
    token = xmlText(xml, "IsTruncated") === "true" ? xmlText(xml, "NextContinuationToken") : null;
    if (!token) return objects;
  }
  throw new S3RequestError(`s3 ListObjectsV2 bucket=${store.bucket} prefix=${prefix}: more than ${maxPages} pages`, "TooManyPages", null);
}

export async function getObject(store: S3Store, key: string, options: RequestOptions = {}): Promise<Buffer> {
  const res = await sendInRegion(store, key, {}, options);
  if (res.status !== 200 && !(options.range && res.status === 206)) throw failure(res, `s3 GetObject bucket=${store.bucket} key=${key}`);
  return res.body;
}
