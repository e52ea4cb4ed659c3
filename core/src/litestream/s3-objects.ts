// The signed S3 transport (s3-transport.ts): ListObjectsV2 and GetObject over
// node:http(s) with the small SigV4 signer (s3-signer.ts), for the agent, whose
// 60 MB budget has no room for @aws-sdk/client-s3. The core reads S3 through
// the SDK (storage/s3-sdk-objects.ts) with the same options and errors.
//
//   signedS3: S3Transport
//   listObjects(store: S3Store, prefix: string, options?): Promise<S3Object[]>     all pages, bounded
//   getObject(store: S3Store, key: string, options?): Promise<Buffer>             bounded size; options.range for part of it
// Errors: S3RequestError (s3-transport.ts). No retries, except once in the region
// AWS names when it answers a request sent to the wrong one.
import http from "node:http";
import https from "node:https";
import { canonicalQuery, encodePath, signS3Request } from "./s3-signer.ts";
import {
  answeredError, DEFAULT_MAX_BYTES, DEFAULT_REGION, DEFAULT_TIMEOUT_MS, getWhat, listPages, listWhat, networkError, notListingError, s3Location, S3RequestError,
  timeoutError, tooLargeError, type RequestOptions, type S3Object, type S3Store, type S3Transport,
} from "./s3-transport.ts";

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
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || undefined,
        method: "GET",
        path: `${encodePath(path)}${search ? `?${search}` : ""}`,
        headers,
        timeout: timeoutMs,
        signal: options.signal,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            // Reject before destroying: a destroyed response may still end, which would resolve what was read so far.
            const err = tooLargeError(store, key, maxBytes, res.statusCode ?? null);
            reject(err);
            req.destroy(err);
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(timeoutError(store, timeoutMs)));
    req.on("error", (err) => reject(err instanceof S3RequestError ? err : networkError(store, err)));
    req.end();
  });
}

function failure(res: Response, what: string): S3RequestError {
  const xml = res.body.toString("utf8");
  return answeredError(what, xmlText(xml, "Code"), res.status, xmlText(xml, "Message"));
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

export function listObjects(store: S3Store, prefix: string, options: RequestOptions = {}): Promise<S3Object[]> {
  return listPages(store, prefix, options, async (token) => {
    const query: Record<string, string> = { "list-type": "2", prefix };
    if (token) query["continuation-token"] = token;
    const res = await sendInRegion(store, "", query, options);
    if (res.status !== 200) throw failure(res, listWhat(store, prefix));
    const xml = res.body.toString("utf8");
    if (!/<ListBucketResult[\s>]/.test(xml)) {
      const type = res.headers["content-type"];
      throw notListingError(store, prefix, res.status, typeof type === "string" ? type : null);
    }
    const objects: S3Object[] = [];
    for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
      const key = xmlText(m[1], "Key");
      if (key === null) continue;
      objects.push({ key, size: Number(xmlText(m[1], "Size") ?? 0), lastModified: new Date(xmlText(m[1], "LastModified") ?? 0) });
    }
    return { objects, next: xmlText(xml, "IsTruncated") === "true" ? xmlText(xml, "NextContinuationToken") : null };
  });
}

export async function getObject(store: S3Store, key: string, options: RequestOptions = {}): Promise<Buffer> {
  const res = await sendInRegion(store, key, {}, options);
  if (res.status !== 200 && !(options.range && res.status === 206)) throw failure(res, getWhat(store, key));
  return res.body;
}

export const signedS3: S3Transport = { listObjects, getObject };
